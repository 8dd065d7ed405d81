/**
 * @module Finds the installed package's root folder (the one whose package.json names this project), so the
 * bundled formula tree is found whether the CLI runs from source or from dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MvError } from '../../errors/index.js';

const PACKAGE_NAME = 'multiverse';

/** The project's root folder, searched upwards from this module. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new MvError('internal.bug', 'Cannot find the multiverse package root (please report)');
    dir = parent;
  }
}

/** The bundled guest agent, built by `npm run build`. */
export function agentBundlePath(): string {
  return path.join(packageRoot(), 'dist/guest/agent.mjs');
}

/** The privileged entry point (the daemon and host setup), run as its own process. */
export function privilegedEntryPath(): string {
  return path.join(packageRoot(), 'dist/src/daemon/main.js');
}
