/**
 * @module The formula domain's adapters as other domains may use them: everything here touches the OS.
 */
export { FORMULA_FILE, readFormulaTree, shownPath } from './read-tree.js';
