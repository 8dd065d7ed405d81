/**
 * @module The recovery kit's packages (BIP-39 words, Shamir's secret sharing), loaded through this module
 * with `await import()` only when a kit is made or used: every signed command loads scramble/, and these
 * would add their code to each start.
 */
export { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
export { wordlist } from '@scure/bip39/wordlists/english.js';
export { combine, split } from 'shamir-secret-sharing';
