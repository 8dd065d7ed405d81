/**
 * @module The real `GuestSystem`: the guest's clock, its files through node:fs and its programs through
 * `spawnProgram` and `startInteractive`, its randomness through node:crypto. The only implementation that
 * touches the portal; tests use a fake.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { startInteractive } from './interactive.js';
import { spawnProgram } from './spawn-program.js';
import type { GuestSystem } from './system.js';

/** The guest system of the running portal. */
export function createNodeSystem(): GuestSystem {
  return {
    now: () => Date.now(),
    readFile: (path) => readFile(path, 'utf8'),
    writeFile: (path, text) => writeFile(path, text),
    listDir: (path) => readdir(path),
    makeDir: async (path) => {
      await mkdir(path, { recursive: true });
    },
    spawn: spawnProgram,
    startInteractive,
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
    converse,
  };
}

const CONVERSE_MAX_BYTES = 65_536;

function converse(path: string, text: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(
      () => socket.destroy(new Error(`no end of answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > CONVERSE_MAX_BYTES) socket.destroy(new Error('answer larger than 64 KiB'));
      else chunks.push(chunk);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
