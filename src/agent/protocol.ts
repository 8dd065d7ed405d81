/**
 * @module The portal agent's messages: the request and response shapes, the caps every request must respect,
 * and the checks both ends share, so the host refuses locally exactly what the guest would refuse. Requests
 * are `{id, verb, args}` or `{id, verb, args, auth}` and nothing else, where `auth` is the base64url text of
 * the owner's signed envelope that authorises the request (the guest verifies it itself, see
 * `guest/authenticate.ts`); responses carry the request's id (0 when it could not be read).
 * A response's error code comes from the guest, which the host does not trust: only known `agent.*` codes
 * pass through, and the message is cleaned before it reaches a person.
 * Pure: no I/O.
 */
import type { JsonValue } from '../digest/index.js';
import { ERROR_CODES, type ErrorCode, MvError } from '../errors/index.js';
import { type AgentVerb, isAgentVerb } from '../guest-abi/index.js';

/** The caps of one request, and of the requests one connection may have in flight. */
export const REQUEST_LIMITS = {
  maxId: 0xffff_ffff,
  maxArgs: 32,
  maxArgBytes: 4096,
  maxInFlight: 4,
  /** Base64url characters of `auth`: room for an envelope of the verifier's 64 KiB limit, and some over. */
  maxAuthChars: 98_304,
} as const;

export type { JsonValue };

/** One request, checked. */
export interface AgentRequest {
  readonly id: number;
  readonly verb: AgentVerb;
  readonly args: readonly string[];
  /** The base64url text of the signed envelope that authorises this request. */
  readonly auth?: string;
}

/** Why a request failed, as the wire carries it. */
export interface AgentFailure {
  readonly code: string;
  readonly message: string;
}

/** One response: a result or a failure, for the request with the same id. */
export type AgentResponse =
  | { readonly id: number; readonly ok: true; readonly result: JsonValue }
  | { readonly id: number; readonly ok: false; readonly error: AgentFailure };

/** A parsed request, or the error response it earns. */
export type ParsedRequest =
  | { readonly ok: true; readonly request: AgentRequest }
  | { readonly ok: false; readonly response: AgentResponse };

const VERB_PATTERN = /^[a-z][a-z-]{0,31}$/;
// Lone surrogates are refused along with control characters, since they cannot become UTF-8 argv bytes.
const LONE_SURROGATE = /\p{Cs}/u;
const REQUEST_KEYS = 'args,id,verb';
const AUTHENTICATED_REQUEST_KEYS = 'args,auth,id,verb';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextEncoder();

/** A success response. */
export function okResponse(id: number, result: JsonValue): AgentResponse {
  return { id, ok: true, result };
}

/** A failure response. */
export function errorResponse(id: number, code: ErrorCode, message: string): AgentResponse {
  return { id, ok: false, error: { code, message } };
}

/** The caps a verb and its arguments break (`agent.bad-args`, `agent.unknown-verb`), or undefined. */
export function checkCall(verb: string, args: readonly string[]): AgentFailure | undefined {
  if (!VERB_PATTERN.test(verb)) {
    return { code: 'agent.bad-args', message: 'Verb must be 1-32 lower-case letters and "-"' };
  }
  if (args.length > REQUEST_LIMITS.maxArgs) {
    return { code: 'agent.bad-args', message: `At most ${REQUEST_LIMITS.maxArgs} arguments are allowed` };
  }
  for (const [index, arg] of args.entries()) {
    const problem = argumentProblem(arg);
    if (problem) return { code: 'agent.bad-args', message: `Argument ${index + 1} ${problem}` };
  }
  if (!isAgentVerb(verb)) {
    return { code: 'agent.unknown-verb', message: `Unknown verb "${verb}"` };
  }
  return undefined;
}

/** The cap an `auth` text breaks (`agent.bad-frame`), or undefined. */
export function checkAuth(auth: string): AgentFailure | undefined {
  if (auth.length > REQUEST_LIMITS.maxAuthChars || !BASE64URL.test(auth)) {
    return {
      code: 'agent.bad-frame',
      message: `Request "auth" must be 1-${REQUEST_LIMITS.maxAuthChars} characters of base64url`,
    };
  }
  return undefined;
}

function argumentProblem(arg: string): string | undefined {
  if (hasControlCharacter(arg)) return 'contains a control character';
  if (LONE_SURROGATE.test(arg)) return 'is not valid Unicode';
  if (utf8.encode(arg).length > REQUEST_LIMITS.maxArgBytes) {
    return `is longer than ${REQUEST_LIMITS.maxArgBytes} bytes`;
  }
  return undefined;
}

/** Parses and checks one request frame body. */
export function parseRequest(payload: Uint8Array): ParsedRequest {
  const value = parseJsonObject(payload);
  const id = value?.id;
  if (value === undefined || !isRequestId(id)) {
    return refuse(
      0,
      'agent.bad-frame',
      'Request must be a JSON object with an integer id from 1 to 4294967295',
    );
  }
  const { verb, args, auth } = value;
  const keys = Object.keys(value).sort().join();
  const keysOk = keys === REQUEST_KEYS || keys === AUTHENTICATED_REQUEST_KEYS;
  if (!keysOk || typeof verb !== 'string' || !isStringArray(args) || !isOptionalString(auth)) {
    return refuse(
      id,
      'agent.bad-frame',
      'Request must be exactly {"id", "verb": string, "args": [string...]} and optionally "auth": string',
    );
  }
  const failure = (auth === undefined ? undefined : checkAuth(auth)) ?? checkCall(verb, args);
  if (failure) return { ok: false, response: { id, ok: false, error: failure } };
  const call = { id, verb: verb as AgentVerb, args };
  return { ok: true, request: auth === undefined ? call : { ...call, auth } };
}

/** Parses one response frame body; undefined when it is not a well-formed response. */
export function parseResponse(payload: Uint8Array): AgentResponse | undefined {
  const value = parseJsonObject(payload);
  const id = value?.id;
  if (value === undefined || !(id === 0 || isRequestId(id))) return undefined;
  const { ok, result, error } = value;
  const keys = Object.keys(value).sort().join();
  if (ok === true && keys === 'id,ok,result') return { id, ok, result: result as JsonValue };
  if (ok !== false || keys !== 'error,id,ok' || typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { id, ok, error: { code, message } };
}

const MAX_MESSAGE_LENGTH = 500;

/**
 * The `MvError` for a failure the agent reported. Only known `agent.*` codes pass through: a guest must not
 * be able to pose as a host error such as `internal.bug`; any other code becomes `agent.command-failed`.
 */
export function errorFromFailure(failure: AgentFailure): MvError {
  const clean = (text: string) => text.replace(/\p{Cc}/gu, ' ').slice(0, MAX_MESSAGE_LENGTH);
  const known = failure.code.startsWith('agent.') && Object.hasOwn(ERROR_CODES, failure.code);
  if (known) return new MvError(failure.code as ErrorCode, clean(failure.message));
  return new MvError('agent.command-failed', clean(`${failure.message} (agent code "${failure.code}")`));
}

/** Whether text holds a C0 control character (U+0000–U+001F) or DEL (U+007F). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function refuse(id: number, code: ErrorCode, message: string): ParsedRequest {
  return { ok: false, response: errorResponse(id, code, message) };
}

function parseJsonObject(payload: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    // Not UTF-8 or not JSON: the caller answers `agent.bad-frame`.
    return undefined;
  }
}

function isRequestId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= REQUEST_LIMITS.maxId;
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
