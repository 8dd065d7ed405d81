/**
 * @module Public surface of the agent domain: the frame codec and the request/response protocol shared by the
 * host client (`agent/host`) and the in-portal program (`agent/guest`).
 * Pure: no I/O.
 */
export {
  type DecodedFrame,
  encodeFrame,
  FrameDecoder,
  type FrameOptions,
  MAX_FRAME,
  MAX_RESPONSE_FRAME,
} from './frame.js';
export {
  type AgentFailure,
  type AgentRequest,
  type AgentResponse,
  checkCall,
  errorFromFailure,
  errorResponse,
  type JsonValue,
  okResponse,
  type ParsedRequest,
  parseRequest,
  parseResponse,
  REQUEST_LIMITS,
} from './protocol.js';
