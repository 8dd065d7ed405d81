/**
 * @module The client side of `portalgun shell`: opens a shell session in a portal and drives it with one
 * signed `portal.shell` call per step. Keystrokes are batched (a call at most every `MIN_GAP_MS`, up to
 * `SHELL_LIMITS.maxInputBytes` each) and every call collects the output waiting; with nothing to send it
 * waits in the guest up to `IDLE_WAIT_MS` for output. The escape byte (Ctrl-]) leaves; when piped input ends,
 * an end-of-file (Ctrl-D) is typed, so the shell exits once it has run what it was given. The transport is
 * injected: the command passes signed daemon calls, tests a fake.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SHELL_LIMITS, type ShellCall, type ShellReply } from '../agent/index.js';
import { MvError } from '../errors/index.js';

/** Ctrl-]: leaves the shell, as in telnet and `portalgun console` of old. */
export const ESCAPE_BYTE = 0x1d;
/** Ctrl-D: end of file on the shell's terminal. */
const END_OF_FILE = Buffer.from([0x04]);
/** The least time between two calls that carry keystrokes, so that typing goes in batches. */
export const MIN_GAP_MS = 25;
/** How long a call with nothing to send waits in the guest for output. */
export const IDLE_WAIT_MS = 250;
/** How long a call that carries keystrokes waits for their echo. */
const ECHO_WAIT_MS = 40;

/** What the client reads, writes and calls. */
export interface ShellClientIo {
  /** Sends one step; throws `MvError`. */
  readonly step: (step: ShellCall) => Promise<ShellReply>;
  readonly input: NodeJS.ReadableStream;
  readonly output: (bytes: Buffer) => void;
  /** The terminal's size now. */
  readonly size: () => { cols: number; rows: number };
  readonly term: string;
  /** Whether Ctrl-] leaves (the input is a terminal in raw mode). */
  readonly escapes: boolean;
  /** Registers a callback for terminal size changes; returns its removal. */
  readonly onResize?: (callback: () => void) => () => void;
}

/** How a session ended. */
export type ShellEnd = 'exited' | 'escaped';

/** Keystrokes waiting to be sent, and whether the input has ended or the user escaped. */
class PendingInput {
  readonly #chunks: Buffer[] = [];
  ended = false;
  escaped = false;

  push(chunk: Buffer, escapes: boolean): void {
    if (this.escaped) return;
    const at = escapes ? chunk.indexOf(ESCAPE_BYTE) : -1;
    this.#chunks.push(at === -1 ? chunk : chunk.subarray(0, at));
    if (at !== -1) this.escaped = true;
  }

  /** Up to `max` bytes, removed from the queue. */
  take(max: number): Buffer {
    const all = Buffer.concat(this.#chunks);
    this.#chunks.length = 0;
    if (all.length > max) this.#chunks.push(all.subarray(max));
    return all.subarray(0, max);
  }

  get size(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
}

/** Runs one shell session to its end. */
export async function runShellClient(io: ShellClientIo): Promise<ShellEnd> {
  const { cols, rows } = io.size();
  const { session } = await io.step({ op: 'open', cols, rows, term: io.term });
  const pending = new PendingInput();
  const onData = (chunk: Buffer | string) => pending.push(Buffer.from(chunk), io.escapes);
  const onEnd = () => {
    pending.ended = true;
  };
  io.input.on('data', onData);
  io.input.on('end', onEnd);
  let resized = false;
  const stopResize = io.onResize?.(() => {
    resized = true;
  });
  let sentEndOfFile = false;
  let closed = false;
  try {
    let lastCall = 0;
    while (!closed) {
      if (resized) {
        resized = false;
        closed = collect(io, await call(io, { op: 'resize', session, ...io.size() }));
        continue;
      }
      if (pending.size > 0) await sleep(Math.max(0, lastCall + MIN_GAP_MS - Date.now()));
      let input = pending.take(SHELL_LIMITS.maxInputBytes);
      if (input.length === 0 && pending.escaped) break;
      if (input.length === 0 && pending.ended && !sentEndOfFile) {
        input = END_OF_FILE;
        sentEndOfFile = true;
      }
      lastCall = Date.now();
      const wait = input.length > 0 ? ECHO_WAIT_MS : IDLE_WAIT_MS;
      closed = collect(io, await call(io, { op: 'io', session, input: input.toString('base64url'), wait }));
    }
  } finally {
    io.input.off('data', onData);
    io.input.off('end', onEnd);
    stopResize?.();
    if (!closed) await io.step({ op: 'close', session }).catch(() => undefined);
  }
  return closed ? 'exited' : 'escaped';
}

/** Writes a reply's output; whether the session has ended. */
function collect(io: ShellClientIo, reply: ShellReply): boolean {
  if (reply.output !== '') io.output(Buffer.from(reply.output, 'base64url'));
  return reply.closed;
}

/** One step, waiting out a rate limit rather than failing on it (the step was refused, not run). */
async function call(io: ShellClientIo, step: ShellCall): Promise<ShellReply> {
  for (;;) {
    try {
      return await io.step(step);
    } catch (error) {
      if (!(error instanceof MvError) || error.code !== 'auth.rate-limited') throw error;
      await sleep(1_000);
    }
  }
}
