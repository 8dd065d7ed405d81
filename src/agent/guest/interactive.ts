/**
 * @module Starts a long-lived program for the agent (the shell verb's telnetd): an argv array (never a
 * shell), its own process group so that one kill ends it and what it started, stdin and stdout as pipes,
 * stderr discarded. A program that cannot be started is reported as one that ended.
 */
import { spawn } from 'node:child_process';
import type { InteractiveProgram, InteractiveRequest } from './system.js';

/** Starts `request.file`; never throws. */
export function startInteractive(request: InteractiveRequest): InteractiveProgram {
  const child = spawn(request.file, [...request.args], {
    stdio: ['pipe', 'pipe', 'ignore'],
    shell: false,
    detached: true,
    env: { ...request.env },
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    request.onExit();
  };
  child.stdout.on('data', (chunk: Buffer) => request.onOutput(chunk));
  // A write after the program ended fails with EPIPE; the exit is reported on its own.
  child.stdin.on('error', () => undefined);
  child.once('error', end);
  child.once('close', end);
  return {
    write: (bytes) => {
      if (!ended) child.stdin.write(bytes);
    },
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    kill: () => {
      if (child.pid === undefined || ended) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        // The group is already gone: nothing left to kill.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') console.error(`agent: kill failed: ${error}`);
      }
    },
  };
}
