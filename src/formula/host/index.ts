/**
 * @module The formula domain's adapters as other domains may use them: everything here touches the OS.
 */
export { readFormulaTree } from './read-tree.js';
