/**
 * @module A `GuestSystem` double for tests: the clock is a field tests set, files live in a map, programs are
 * functions, and every write, directory and program run is recorded. Never imported by the agent itself, so
 * it stays out of the bundle.
 * Pure: no I/O.
 */
import type { GuestSystem, InteractiveRequest, SpawnRequest, SpawnResult } from './system.js';

/** A fake program: its result, or a promise of it; throwing means it could not be started. */
export type FakeProgram = (
  args: readonly string[],
  request: SpawnRequest,
) => Partial<SpawnResult> | Promise<Partial<SpawnResult>>;

/** The fake clock's time until a test sets another: 2026-01-01T00:00:00Z. */
export const FAKE_NOW = Date.UTC(2026, 0, 1);

/** A fake unix-socket peer: the answer to what was written, or a promise of it; throwing means no peer. */
export type FakeSocketPeer = (text: string) => string | Promise<string>;

/** One interactive program the fake started: the test feeds its output and ends it through `request`. */
export interface FakeInteractive {
  readonly request: InteractiveRequest;
  /** Everything written to its stdin. */
  readonly written: Buffer[];
  paused: boolean;
  killed: boolean;
}

/** A fake guest with its records. */
export interface FakeSystem extends GuestSystem {
  /** What `now()` returns, in ms since the epoch; `FAKE_NOW` at first. */
  time: number;
  readonly files: Map<string, string>;
  readonly dirs: string[];
  /** Every program run, as argv. */
  readonly runs: string[][];
  /** Every socket conversation, as [path, text written]. */
  readonly conversations: [string, string][];
  /** Every interactive program started. */
  readonly interactive: FakeInteractive[];
}

/** A fake guest holding these files and programs. */
export function createFakeSystem(
  files: Readonly<Record<string, string>> = {},
  programs: Readonly<Record<string, FakeProgram>> = {},
  sockets: Readonly<Record<string, FakeSocketPeer>> = {},
): FakeSystem {
  let randomCalls = 0;
  const system: FakeSystem = {
    time: FAKE_NOW,
    now: () => system.time,
    files: new Map(Object.entries(files)),
    dirs: [],
    runs: [],
    conversations: [],
    interactive: [],
    readFile: async (path) => {
      const text = system.files.get(path);
      if (text === undefined) throw notFound(path);
      return text;
    },
    writeFile: async (path, text) => {
      system.files.set(path, text);
    },
    listDir: async (path) => {
      const prefix = `${path}/`;
      const names = [...system.files.keys()]
        .filter((file) => file.startsWith(prefix))
        .map((file) => file.slice(prefix.length).split('/')[0] ?? '');
      if (names.length === 0) throw notFound(path);
      return [...new Set(names)];
    },
    makeDir: async (path) => {
      system.dirs.push(path);
    },
    spawn: async (request) => {
      system.runs.push([request.file, ...request.args]);
      const program = programs[request.file];
      if (program === undefined) throw notFound(request.file);
      const result = await program(request.args, request);
      return {
        exitCode: 0,
        signal: null,
        stdout: '',
        stderr: '',
        truncated: false,
        timedOut: false,
        ...result,
      };
    },
    startInteractive: (request) => {
      const program: FakeInteractive = { request, written: [], paused: false, killed: false };
      system.interactive.push(program);
      return {
        write: (bytes) => program.written.push(Buffer.from(bytes)),
        pause: () => {
          program.paused = true;
        },
        resume: () => {
          program.paused = false;
        },
        kill: () => {
          if (program.killed) return;
          program.killed = true;
          request.onExit();
        },
      };
    },
    randomHex: (bytes) => (++randomCalls).toString(16).padStart(bytes * 2, '0'),
    converse: async (path, text) => {
      system.conversations.push([path, text]);
      const peer = sockets[path];
      if (peer === undefined) throw notFound(path);
      return peer(text);
    },
  };
  return system;
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}
