/**
 * @module The audit domain's adapters as other domains may use them: everything here touches the OS.
 */

export {
  type AnchoredLogOptions,
  type AnchorRecord,
  AUDIT_RESET_COMMAND,
  type OpenedLog,
  openAnchoredLog,
} from './anchored-log.js';
export { AuditLog, type Checkpointing, readLogText, verifyFile } from './append-log.js';
