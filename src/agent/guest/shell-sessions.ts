/**
 * @module The agent's shell sessions (the `shell` verb). Each session is busybox `telnetd -i` on two pipes,
 * which gives the shell a real pseudo-terminal (job control, `stty`, full-screen programs) without a native
 * module; `telnet.ts` speaks its protocol. The shell is `/bin/sh` as root: the portal is its owner's, and the
 * owner's policy decides who may open one. A session belongs to the session key that opened it: a call
 * signed by another key is answered as if the session did not exist. Output waits in the session until it
 * is read, up to a cap past which the shell is paused (it blocks on its terminal) until the reader catches
 * up. Sessions end when the shell exits, when closed, when nobody has called for `abandonedMs` (the client
 * is gone) or after `idleMs` without a keystroke or output; at most `maxSessions` are open at once.
 */
import { MvError } from '../../errors/index.js';
import { SHELL_LIMITS, type ShellReply } from '../shell.js';
import { parseMounts } from './proc.js';
import type { GuestSystem, InteractiveProgram } from './system.js';
import { encodeInput, encodeWindowSize, TelnetOutput } from './telnet.js';

/** The program behind a session: telnetd on stdin/stdout, ending with the shell, with no banner. */
export const SHELL_PROGRAM = {
  file: '/bin/busybox',
  args: ['telnetd', '-i', '-K', '-f', '/dev/null', '-l', '/bin/sh'],
} as const;

const SHELL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Session {
  readonly id: string;
  readonly kid: string;
  readonly program: InteractiveProgram;
  readonly decoder: TelnetOutput;
  readonly chunks: Buffer[];
  buffered: number;
  paused: boolean;
  ended: boolean;
  lastCall: number;
  lastActivity: number;
  wake: (() => void) | undefined;
}

/** The open shell sessions of one agent. */
export class ShellSessions {
  readonly #system: GuestSystem;
  readonly #sessions = new Map<string, Session>();

  constructor(system: GuestSystem) {
    this.#system = system;
  }

  /** How many sessions are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Starts a shell on a `cols` × `rows` terminal of type `term`; throws `agent.busy` past the cap. */
  async open(kid: string, terminal: { cols: number; rows: number; term: string }): Promise<ShellReply> {
    const now = this.#system.now();
    this.sweep(now);
    if (this.#sessions.size >= SHELL_LIMITS.maxSessions) {
      throw new MvError('agent.busy', `At most ${SHELL_LIMITS.maxSessions} shells may be open in one portal`);
    }
    await mountTerminals(this.#system);
    const id = this.#system.randomHex(16);
    const program = this.#system.startInteractive({
      ...SHELL_PROGRAM,
      env: { PATH: SHELL_PATH, HOME: '/root', SHELL: '/bin/sh', TERM: terminal.term },
      onOutput: (chunk) => this.#output(id, chunk),
      onExit: () => this.#ended(id),
    });
    program.write(encodeWindowSize(terminal.cols, terminal.rows));
    const session: Session = {
      id,
      kid,
      program,
      decoder: new TelnetOutput(),
      chunks: [],
      buffered: 0,
      paused: false,
      ended: false,
      lastCall: now,
      lastActivity: now,
      wake: undefined,
    };
    this.#sessions.set(id, session);
    return { session: id, output: '', closed: false };
  }

  /** Types `input` and returns the output waiting, after up to `waitMs` when there is none yet. */
  async io(kid: string, id: string, input: Buffer, waitMs: number): Promise<ShellReply> {
    const session = this.#called(kid, id);
    if (input.length > 0) {
      session.program.write(encodeInput(input));
      session.lastActivity = session.lastCall;
    }
    if (session.buffered === 0 && !session.ended && waitMs > 0) await waitForOutput(session, waitMs);
    return this.#drain(session);
  }

  /** Tells the shell's terminal its new size. */
  resize(kid: string, id: string, size: { cols: number; rows: number }): ShellReply {
    const session = this.#called(kid, id);
    session.program.write(encodeWindowSize(size.cols, size.rows));
    return this.#drain(session);
  }

  /** Ends a session and its shell. */
  close(kid: string, id: string): ShellReply {
    this.#end(this.#called(kid, id));
    return { session: id, output: '', closed: true };
  }

  /** Ends the sessions abandoned or idle at `now`. */
  sweep(now: number): void {
    for (const session of this.#sessions.values()) {
      const abandoned = now - session.lastCall > SHELL_LIMITS.abandonedMs;
      if (abandoned || now - session.lastActivity > SHELL_LIMITS.idleMs) this.#end(session);
    }
  }

  #called(kid: string, id: string): Session {
    const now = this.#system.now();
    this.sweep(now);
    const session = this.#sessions.get(id);
    // Another key's session is answered as a missing one: its existence is not that key's business.
    if (session === undefined || session.kid !== kid) {
      throw new MvError('agent.no-session', 'No such shell session (it ended, or was never opened)');
    }
    session.lastCall = now;
    return session;
  }

  #output(id: string, chunk: Buffer): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    const bytes = session.decoder.push(chunk);
    if (bytes.length === 0) return;
    session.chunks.push(bytes);
    session.buffered += bytes.length;
    session.lastActivity = this.#system.now();
    if (session.buffered >= SHELL_LIMITS.maxBufferedBytes && !session.paused) {
      session.paused = true;
      session.program.pause();
    }
    session.wake?.();
  }

  #ended(id: string): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    session.ended = true;
    session.wake?.();
  }

  #drain(session: Session): ShellReply {
    const all = Buffer.concat(session.chunks);
    const output = all.subarray(0, SHELL_LIMITS.maxReplyBytes);
    session.chunks.length = 0;
    if (all.length > output.length) session.chunks.push(all.subarray(output.length));
    session.buffered = all.length - output.length;
    if (session.paused && session.buffered < SHELL_LIMITS.maxBufferedBytes / 2) {
      session.paused = false;
      session.program.resume();
    }
    const closed = session.ended && session.buffered === 0;
    if (closed) this.#sessions.delete(session.id);
    return { session: session.id, output: output.toString('base64url'), closed };
  }

  #end(session: Session): void {
    this.#sessions.delete(session.id);
    session.ended = true;
    session.program.kill();
    session.wake?.();
  }
}

/** Resolves after `ms`, or as soon as the session has output or ends. */
function waitForOutput(session: Session, ms: number): Promise<void> {
  return new Promise((resolve) => {
    session.wake?.();
    const done = () => {
      clearTimeout(timer);
      if (session.wake === done) session.wake = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    session.wake = done;
  });
}

/** Mounts the pseudo-terminal file system at /dev/pts unless it is there: telnetd needs a pty. */
async function mountTerminals(system: GuestSystem): Promise<void> {
  const mounts = parseMounts(await system.readFile('/proc/mounts'));
  if (mounts.some((mount) => mount.target === '/dev/pts' && mount.type === 'devpts')) return;
  await system.makeDir('/dev/pts');
  const mount = await system.spawn({
    file: '/bin/busybox',
    args: ['mount', '-t', 'devpts', '-o', 'nosuid,noexec,mode=0620', 'devpts', '/dev/pts'],
    timeoutMs: 10_000,
    maxOutputBytes: 4096,
  });
  if (mount.exitCode !== 0) {
    throw new MvError(
      'agent.command-failed',
      `Cannot mount /dev/pts: ${mount.stderr.trim() || 'mount failed'}`,
    );
  }
}
