/**
 * @module Which formula tree a command reads: one tree per host, and the daemon's is the truth. When a
 * daemon answers its version probe, commands about what runs (plan, net, route, up) read the tree the
 * daemon boots from, and say on stderr when `--formulas` or `$PORTALGUN_FORMULAS` named another; the
 * formula commands (list, show, validate) read the tree you name, and say when the daemon boots another.
 * With no daemon, every command reads its own choice (flag, environment, bundled tree).
 */
import path from 'node:path';
import { errorFromDiagnostics, MvError } from '../errors/index.js';
import { readFormulaTree } from '../formula/host/index.js';
import { type Catalogue, digestFormulaSources, resolveCatalogue } from '../formula/index.js';
import { packageRoot } from '../install/host/index.js';
import { type MethodResult, PROBE_METHOD } from '../protocol/index.js';
import type { GlobalOptions } from './commands/global-options.js';
import { callDaemon, daemonSocketPath } from './daemon-client.js';

/** What the daemon said about itself, when one answered. */
export type DaemonFacts = MethodResult<typeof PROBE_METHOD>;

/** The tree a command reads and the daemon that answered, if any. */
export interface TreeInUse {
  readonly dir: string;
  readonly daemon: DaemonFacts | undefined;
}

/** The tree you named (`--formulas`, else `$PORTALGUN_FORMULAS`) and how, or undefined for none. */
function namedTree(global: GlobalOptions): { dir: string; via: string } | undefined {
  if (global.formulas !== undefined) return { dir: global.formulas, via: '--formulas' };
  const env = process.env.PORTALGUN_FORMULAS;
  return env ? { dir: env, via: '$PORTALGUN_FORMULAS' } : undefined;
}

/** The daemon's facts, or undefined when none answers (not running, or not reachable by this user). */
export async function probeDaemon(runDir: string | undefined): Promise<DaemonFacts | undefined> {
  try {
    return await callDaemon(PROBE_METHOD, {}, { socketPath: daemonSocketPath(runDir) });
  } catch (error) {
    if (error instanceof MvError && error.code === 'daemon.unreachable') return undefined;
    throw error;
  }
}

function note(text: string): void {
  process.stderr.write(`note: ${text}\n`);
}

/**
 * Picks the tree: `prefer: 'daemon'` for what runs (the daemon's tree wins), `'named'` for the formula
 * commands (the tree you named wins); either way a note says when the two differ.
 */
export async function chooseTree(global: GlobalOptions, prefer: 'daemon' | 'named'): Promise<TreeInUse> {
  const named = namedTree(global);
  const daemon = await probeDaemon(global.run);
  if (!daemon) return { dir: named?.dir ?? path.join(packageRoot(), 'formulas'), daemon };
  const theirs = daemon.formulas.dir;
  const differs = named !== undefined && path.resolve(named.dir) !== theirs;
  if (prefer === 'named' && named) {
    if (differs) note(`showing ${named.dir} (${named.via}); the daemon boots from ${theirs}`);
    return { dir: named.dir, daemon };
  }
  if (differs)
    note(`using the daemon's formula tree ${theirs}, not ${named.dir} (${named.via}): it is what boots`);
  return { dir: theirs, daemon };
}

/** Reads and resolves the chosen tree; any diagnostic is an error (a broken tree is refused whole). */
export async function loadTreeInUse(
  global: GlobalOptions,
  prefer: 'daemon' | 'named' = 'daemon',
): Promise<TreeInUse & { catalogue: Catalogue }> {
  const chosen = await chooseTree(global, prefer);
  const sources = await readFormulaTree(chosen.dir);
  const reported = chosen.daemon?.formulas;
  if (reported?.digest && reported.dir === path.resolve(chosen.dir)) {
    const mine = digestFormulaSources(sources);
    if (mine !== reported.digest)
      note(
        `the files at ${chosen.dir} differ from what the daemon reads there (it may see another filesystem, or they just changed)`,
      );
  }
  const catalogue = resolveCatalogue(sources);
  if (catalogue.diagnostics.length > 0) throw errorFromDiagnostics(catalogue.diagnostics);
  return { ...chosen, catalogue };
}
