/**
 * @module Public surface of the agent domain: the frame codec, the request/response protocol and the shell
 * verb's calls shared by the host client (`agent/host`), the daemon and the in-portal program (`agent/guest`).
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
export {
  parseShellArgs,
  SESSION_ID,
  SHELL_LIMITS,
  SHELL_OPS,
  type ShellCall,
  type ShellReply,
  shellAgentArgs,
  TERM_NAME,
} from './shell.js';
