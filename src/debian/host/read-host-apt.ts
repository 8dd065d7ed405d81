/**
 * @module Reads the host's apt configuration: its settings through `apt-config dump` (apt's own parser of
 * /etc/apt/apt.conf, apt.conf.d and $APT_CONFIG), and the sources files where those settings say they are
 * (`Dir::Etc::sourcelist` and `Dir::Etc::sourceparts`, /etc/apt/sources.list and sources.list.d by
 * default), parsed by the pure code in debian/. Reads only; never changes the host's apt.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../../exec/host/index.js';
import {
  type AptConfig,
  type AptSource,
  isAptSourcesFileName,
  parseAptConfigDump,
  parseAptSourcesFile,
} from '../index.js';

/** The host's apt sources, what apt would refuse in them, and its settings. */
export interface HostApt {
  readonly sources: AptSource[];
  readonly problems: string[];
  readonly config: AptConfig;
}

/** An apt `Dir::…` setting resolved against its parent folder, as apt does (absolute values stand alone). */
function under(parent: string, value: string | undefined, fallback: string): string {
  const setting = value === undefined || value === '' ? fallback : value;
  return path.isAbsolute(setting) ? setting : path.join(parent, setting);
}

/** The host's sources list and sources folder, as its apt configuration places them. */
function sourcePaths(config: AptConfig): { list: string; parts: string } {
  const etc = under(under('/', config.get('dir'), '/'), config.get('dir::etc'), 'etc/apt');
  return {
    list: under(etc, config.get('dir::etc::sourcelist'), 'sources.list'),
    parts: under(etc, config.get('dir::etc::sourceparts'), 'sources.list.d'),
  };
}

/** The host's apt sources (the list, then the folder's files in name order, as apt reads them) and settings. */
export async function readHostApt(): Promise<HostApt> {
  const { stdout } = await runCommand('apt-config', ['dump', '--format', '%f=%v%n']);
  const config = parseAptConfigDump(stdout.toString('utf8'));
  const { list, parts } = sourcePaths(config);
  const files = existsSync(list) ? [list] : [];
  if (existsSync(parts)) {
    const names = (await readdir(parts)).filter(isAptSourcesFileName).sort();
    files.push(...names.map((name) => path.join(parts, name)));
  }
  const sources: AptSource[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parseAptSourcesFile(await readFile(file, 'utf8'), file);
    sources.push(...parsed.sources);
    problems.push(...parsed.problems);
  }
  return { sources, problems, config };
}
