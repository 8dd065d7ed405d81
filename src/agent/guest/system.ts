/**
 * @module The world as the agent sees it: the clock, files, directories and processes behind one injected
 * object, so every verb runs in unit tests on the host against a fake, and only `node-system.ts` touches
 * the real guest. Types only.
 */

/** One program to run: argv array (never a shell), a deadline and a cap on each output stream. */
export interface SpawnRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

/** How a program ended; outputs keep their first `maxOutputBytes` bytes each. */
export interface SpawnResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
  /** The deadline passed and the program (with its process group) was killed with SIGKILL. */
  readonly timedOut: boolean;
}

/** A long-lived program the agent talks to through its stdin and stdout (the shell verb's telnetd). */
export interface InteractiveRequest {
  readonly file: string;
  readonly args: readonly string[];
  /** Its whole environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Each chunk of its stdout, as it comes. */
  readonly onOutput: (chunk: Buffer) => void;
  /** It ended, or could not be started; called once. */
  readonly onExit: () => void;
}

/** A running interactive program. */
export interface InteractiveProgram {
  /** Writes to its stdin. */
  write(bytes: Buffer): void;
  /** Stops reading its stdout (it then blocks once the pipe is full), or reads it again. */
  pause(): void;
  resume(): void;
  /** Kills its process group with SIGKILL. */
  kill(): void;
}

/** Everything the agent may read from or do to the guest. */
export interface GuestSystem {
  /** The guest's clock, in milliseconds since the epoch (envelopes are checked against it). */
  now(): number;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  /** The names in a directory. */
  listDir(path: string): Promise<string[]>;
  /** `mkdir -p`. */
  makeDir(path: string): Promise<void>;
  /** Runs a program; rejects only when it cannot be started. */
  spawn(request: SpawnRequest): Promise<SpawnResult>;
  /** Starts a program in its own process group, its stdin and stdout pipes, its stderr discarded. */
  startInteractive(request: InteractiveRequest): InteractiveProgram;
  /** `bytes` random bytes as lower-case hex. */
  randomHex(bytes: number): string;
  /**
   * Writes `text` to the unix socket at `path` and resolves with everything read until the peer closes (at
   * most 64 KiB); rejects when it cannot connect or the peer has not closed within `timeoutMs`.
   */
  converse(path: string, text: string, timeoutMs: number): Promise<string>;
}
