/**
 * @module The real `GuestSystem`: the guest's clock, its files through node:fs and its programs through
 * `spawnProgram`. The only implementation that touches the portal; tests use a fake.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
  };
}
