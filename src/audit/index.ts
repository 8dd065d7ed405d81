/**
 * @module Public surface of the audit domain: hash-chained decision records and their verification, over
 * entries or over a log's text (a file's, or the bytes the daemon sent).
 * The file-backed log lives in `audit/host/append-log.ts` and is imported directly by the daemon.
 * Pure: no I/O.
 */
export {
  AUDIT_ENTRY,
  AUDIT_FIELDS,
  type AuditEntry,
  type AuditFields,
  chainEntry,
  entryHash,
  GENESIS_HASH,
} from './entry.js';
export { type LogVerdict, parseLogText, verifyLogText } from './log-text.js';
export { type ChainProblem, type ChainVerdict, type VerifyChainOptions, verifyChain } from './verify.js';
