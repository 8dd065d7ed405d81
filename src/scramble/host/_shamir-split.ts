/**
 * @module shamir-secret-sharing's split, loaded through this module with `await import()` only when a root is
 * split into shares: every signed command loads scramble/host, and most never need it.
 */
export { split } from 'shamir-secret-sharing';
