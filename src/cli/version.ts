/**
 * @module The version both CLIs print with --version: the one in portalgun's own package.json. Reads only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../install/host/index.js';

/** The installed package's version, e.g. `0.1.0`. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
