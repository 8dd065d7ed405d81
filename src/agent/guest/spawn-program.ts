/**
 * @module Runs one program for the agent: an argv array (never a shell), stdin closed, both output streams
 * capped, and a deadline after which the program's whole process group is killed with SIGKILL. The program
 * gets its own process group so that killing it also kills whatever it started.
 */
import { spawn } from 'node:child_process';
import { OutputCap } from './output-cap.js';
import type { SpawnRequest, SpawnResult } from './system.js';

// A program that exits while a background child still holds its stdout open would otherwise keep the
// request (and its in-flight slot) waiting for that child; after this grace the pipes are closed.
const PIPE_GRACE_MS = 1000;

/** Runs a program; rejects only when it cannot be started. */
export function spawnProgram(request: SpawnRequest): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.file, [...request.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: true,
    });
    const stdout = new OutputCap(request.maxOutputBytes);
    const stderr = new OutputCap(request.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let started = false;
    let timedOut = false;
    let settled = false;
    let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        // The group is already gone: nothing left to kill. Anything else is worth a line on the console.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') console.error(`agent: kill failed: ${error}`);
      }
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      child.stdout.destroy();
      child.stderr.destroy();
      const truncated = stdout.truncated || stderr.truncated;
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated,
        timedOut,
      });
    };
    child.once('spawn', () => {
      started = true;
    });
    child.once('error', (error) => {
      // After a successful start, 'error' can only come from signalling, which goes through killGroup.
      if (started) return;
      settled = true;
      clearTimeout(deadline);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      setTimeout(finish, PIPE_GRACE_MS).unref();
    });
    child.once('close', finish);
  });
}
