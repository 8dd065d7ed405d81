/**
 * @module The zxcvbn estimator's packages, loaded through this module with `await import()` only when a
 * passphrase is checked: their dictionaries are large, and being CommonJS, a direct dynamic import of them
 * would give the CLI bundle only a default export.
 */
export { ZxcvbnFactory } from '@zxcvbn-ts/core';
export { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
export { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
