/**
 * @module The passthrough domain's adapters as other domains may use them: everything here touches the OS.
 */
export { claimsDirOf, readClaim, readClaims, removeClaim, saveClaim } from './claims.js';
export { giveBack, handOver } from './handover.js';
export { HOST_ROOTS, type HostRoots, readIommuState, readPassthroughFacts } from './read-facts.js';
