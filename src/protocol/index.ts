/**
 * @module Public surface of the protocol domain: the daemon's method table (with each method's error codes)
 * and its JSON-RPC framing.
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
  SIGNED_BODY,
  SIGNED_CALL,
  SIGNED_CALL_RESULT,
} from './jsonrpc.js';
export { DOOR_ERRORS, type DoorError } from './method-errors.js';
export {
  AGENT_TARGET,
  isActivePortal,
  isDeclaredError,
  isMethodName,
  METHODS,
  type MethodError,
  type MethodName,
  type MethodParams,
  type MethodParamsInput,
  type MethodResult,
  POLICY_VERBS,
  PORTAL_NAME,
  PORTAL_STATES,
  PORTAL_SUMMARY,
  type PolicyTargets,
  type PortalState,
  type PortalSummary,
  policyFieldsOf,
  policyTargetsOf,
} from './methods.js';
