/**
 * @module Public surface of the share domain: the guest-side rendering of the multiverse-portal share.
 * Pure: no I/O.
 */
export { renderFstab } from './fstab.js';
