/**
 * @module The audit domain's adapters as other domains may use them: everything here touches the OS.
 */
export { AuditLog, readLogText, verifyFile } from './append-log.js';
