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
  AGENT_PORT_NAME,
  AGENT_VERBS,
  type AgentFailure,
  type AgentRequest,
  type AgentResponse,
  type AgentVerb,
  checkCall,
  errorFromFailure,
  errorResponse,
  isAgentVerb,
  type JsonValue,
  okResponse,
  type ParsedRequest,
  parseRequest,
  parseResponse,
  REQUEST_LIMITS,
  STATUS_PORT_NAME,
} from './protocol.js';
