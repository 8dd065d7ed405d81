/**
 * @module The `shell` verb's calls, shared by the daemon (which turns a signed `portal.shell` call into an
 * agent request) and the agent (which checks that the owner's envelope names exactly that request, and
 * parses it). A shell session is driven by one signed call per step: `open` starts it and returns its id,
 * `io` writes a batch of keystrokes (maybe none) and returns the output waiting (after up to `wait` ms when
 * there is none yet), `resize` tells the terminal its size and `close` ends it. Keystrokes and output travel
 * as base64url, because agent arguments may hold no control characters.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/** The caps of shell sessions, the same at both ends. */
export const SHELL_LIMITS = {
  /** Sessions one portal may have open at once. */
  maxSessions: 4,
  /** Raw bytes of one keystroke batch (its base64url fills the agent's 4096-byte argument). */
  maxInputBytes: 3072,
  /** Raw bytes of output one reply carries at most. */
  maxReplyBytes: 49_152,
  /** Raw bytes of output a session holds for its reader; past it the shell is paused until it is read. */
  maxBufferedBytes: 262_144,
  /** The longest `io` waits for output when there is none. */
  maxWaitMs: 1000,
  /** A session nobody has called for this long is ended (its client is gone). */
  abandonedMs: 30_000,
  /** A session without a keystroke or a byte of output for this long is ended. */
  idleMs: 1_800_000,
  /** The largest terminal side, in characters. */
  maxSide: 1000,
} as const;

/** One step of a shell session, as the owner signs it (besides the portal's `name`). */
export type ShellCall =
  | { readonly op: 'open'; readonly cols: number; readonly rows: number; readonly term: string }
  | { readonly op: 'io'; readonly session: string; readonly input: string; readonly wait: number }
  | { readonly op: 'resize'; readonly session: string; readonly cols: number; readonly rows: number }
  | { readonly op: 'close'; readonly session: string };

/** What every step answers: the session, the output it collected (base64url) and whether it has ended. */
export interface ShellReply {
  readonly session: string;
  readonly output: string;
  readonly closed: boolean;
}

/** The operations, in the order a session uses them. */
export const SHELL_OPS = ['open', 'io', 'resize', 'close'] as const;

/** A session id: 128 random bits as hex, made by the agent. */
export const SESSION_ID = /^[0-9a-f]{32}$/;
/** A `TERM` value the shell is given. */
export const TERM_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$/;
const BASE64URL_OR_EMPTY = /^[A-Za-z0-9_-]*$/;
const DECIMAL = /^(0|[1-9][0-9]{0,6})$/;

const FIELDS: Readonly<Record<ShellCall['op'], readonly string[]>> = {
  open: ['cols', 'rows', 'term'],
  io: ['input', 'session', 'wait'],
  resize: ['cols', 'rows', 'session'],
  close: ['session'],
};

/**
 * The agent arguments of a shell step, from the signed call's fields (`name` aside): exactly the fields its
 * operation takes, each in range. Throws `agent.bad-args` otherwise.
 */
export function shellAgentArgs(fields: Readonly<Record<string, unknown>>): string[] {
  const { name: _name, op, ...rest } = fields;
  if (typeof op !== 'string' || !(SHELL_OPS as readonly string[]).includes(op)) {
    throw badArgs(`op must be one of ${SHELL_OPS.join(', ')}`);
  }
  const call = op as ShellCall['op'];
  const keys = Object.keys(rest).sort().join();
  if (keys !== FIELDS[call].join()) throw badArgs(`"${call}" takes exactly ${FIELDS[call].join(', ')}`);
  const args = argsOf({ op, ...rest } as ShellCall);
  parseShellArgs(args);
  return args;
}

function argsOf(call: ShellCall): string[] {
  switch (call.op) {
    case 'open':
      return ['open', text(call.cols), text(call.rows), String(call.term)];
    case 'io':
      return ['io', String(call.session), String(call.input), text(call.wait)];
    case 'resize':
      return ['resize', String(call.session), text(call.cols), text(call.rows)];
    case 'close':
      return ['close', String(call.session)];
  }
}

// Numbers become decimal text; anything else becomes text the parser refuses.
function text(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : '-';
}

/** Parses the agent arguments of a shell step; throws `agent.bad-args` when any is out of shape or range. */
export function parseShellArgs(args: readonly string[]): ShellCall {
  const [op, ...rest] = args;
  switch (op) {
    case 'open': {
      const [cols, rows, term, ...extra] = rest;
      if (extra.length > 0 || term === undefined || !TERM_NAME.test(term)) {
        throw badArgs('Usage: shell open <cols> <rows> <term>');
      }
      return { op, cols: side(cols), rows: side(rows), term };
    }
    case 'io': {
      const [session, input, wait, ...extra] = rest;
      if (extra.length > 0 || input === undefined || !BASE64URL_OR_EMPTY.test(input)) {
        throw badArgs('Usage: shell io <session> <input as base64url> <wait ms>');
      }
      if (Buffer.from(input, 'base64url').length > SHELL_LIMITS.maxInputBytes) {
        throw badArgs(`A keystroke batch holds at most ${SHELL_LIMITS.maxInputBytes} bytes`);
      }
      return { op, session: sessionId(session), input, wait: number(wait, 0, SHELL_LIMITS.maxWaitMs) };
    }
    case 'resize': {
      const [session, cols, rows, ...extra] = rest;
      if (extra.length > 0) throw badArgs('Usage: shell resize <session> <cols> <rows>');
      return { op, session: sessionId(session), cols: side(cols), rows: side(rows) };
    }
    case 'close': {
      const [session, ...extra] = rest;
      if (extra.length > 0) throw badArgs('Usage: shell close <session>');
      return { op, session: sessionId(session) };
    }
    default:
      throw badArgs(`Usage: shell ${SHELL_OPS.join('|')} …`);
  }
}

function sessionId(value: string | undefined): string {
  if (value === undefined || !SESSION_ID.test(value)) throw badArgs('A session id is 32 hex digits');
  return value;
}

function side(value: string | undefined): number {
  return number(value, 1, SHELL_LIMITS.maxSide);
}

function number(value: string | undefined, min: number, max: number): number {
  const parsed = value !== undefined && DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= min && parsed <= max)) throw badArgs(`Expected a whole number from ${min} to ${max}`);
  return parsed;
}

function badArgs(message: string): MvError {
  return new MvError('agent.bad-args', message);
}
