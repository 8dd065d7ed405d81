/** @module Text others wrote (a guest, a caller), made safe to show on a terminal. */
export { forTerminal, terminalSafe } from './terminal-text.js';
