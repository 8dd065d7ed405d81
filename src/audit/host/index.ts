/**
 * @module The audit domain's adapters as other domains may use them: everything here touches the OS.
 */
export { AuditLog, readEntries, verifyFile } from './append-log.js';
