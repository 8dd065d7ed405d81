/**
 * @module Public surface of the protocol domain: the daemon's method table and its JSON-RPC framing.
 * Pure: no I/O.
 */

export { AUDIT_PAGE_BYTES } from './audit-methods.js';
export type { ImageSummary } from './image-methods.js';
export {
  errorFromRpc,
  errorToRpc,
  MAX_LINE_BYTES,
  PROBE_METHOD,
  type ProgressNotification,
  REQUEST,
  RESPONSE,
  type RpcError,
  SEAL_INFO,
  SEALED,
  SEALED_REPLY,
  SIGNED_CALL,
} from './jsonrpc.js';
export {
  isActivePortal,
  isMethodName,
  METHODS,
  type MethodName,
  type MethodParams,
  type MethodParamsInput,
  type MethodResult,
  PORTAL_NAME,
  PORTAL_STATES,
  PORTAL_SUMMARY,
  type PortalState,
  type PortalSummary,
  policyTargetOf,
} from './methods.js';
