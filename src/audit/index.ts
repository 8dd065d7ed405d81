/**
 * @module Public surface of the audit domain: hash-chained decision records, the host's signed checkpoints
 * and resets, and their verification, over entries or over a log's text (a file's, or the bytes the daemon
 * sent), against the host key and a head remembered from an earlier look.
 * The file-backed log lives in `audit/host/append-log.ts` and is imported directly by the daemon.
 * Pure: no I/O.
 */
export {
  type AnchorOptions,
  type AnchorProblem,
  type AnchorVerdict,
  type RememberedHead,
  verifyAnchored,
} from './anchor.js';
export {
  CHECKPOINT_INTERVAL,
  type CheckpointSigner,
  checkpointEntry,
  checkpointSignatureValid,
  resetEntry,
} from './checkpoint.js';
export {
  type ArchivedLog,
  AUDIT_ENTRY,
  AUDIT_FIELDS,
  type AuditEntry,
  type AuditFields,
  auditName,
  type CheckpointEntry,
  chainEntry,
  type DecisionEntry,
  entryHash,
  GENESIS_HASH,
  isDecision,
  type ResetEntry,
} from './entry.js';
export {
  type AnchoredLogVerdict,
  type LogVerdict,
  parseLogText,
  verifyAnchoredText,
  verifyLogText,
} from './log-text.js';
export { type ChainProblem, type ChainVerdict, type VerifyChainOptions, verifyChain } from './verify.js';
