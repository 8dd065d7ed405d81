/**
 * @module Which formula tree a command reads, and how: one tree per host, and the daemon's is the truth.
 * When a daemon answers its version probe, commands about what runs (plan, net, route, up) resolve the tree
 * the daemon boots from as the daemon sends it (`formula.tree`, a signed call, its files checked against
 * their digest), never reading the daemon's folder, and say on stderr when `--formulas` or
 * `$PORTALGUN_FORMULAS` named another. The formula commands (list, show, validate) read the tree you name,
 * and say when the daemon boots another; with none named they ask the daemon for its tree too. Only when no
 * daemon answers does a command read a tree from disk that you did not name (flag, environment, bundled
 * tree), and it says so.
 */
import path from 'node:path';
import { errorFromDiagnostics, MvError } from '../errors/index.js';
import { FORMULA_FILE, readFormulaTree, shownPath } from '../formula/host/index.js';
import {
  type Catalogue,
  digestFormulaSources,
  type FormulaSource,
  resolveCatalogue,
  sourcesOfSentTree,
} from '../formula/index.js';
import { packageRoot } from '../install/host/index.js';
import type { GlobalOptions } from './commands/global-options.js';
import { callDaemon, type DaemonFacts, daemonSocketPath, probeDaemon } from './daemon-client.js';

/** The tree a command reads (resolved), its folder, and the daemon that answered, if any. */
export interface TreeInUse {
  readonly dir: string;
  readonly daemon: DaemonFacts | undefined;
  readonly catalogue: Catalogue;
}

/** Where the tree comes from: the daemon (`formula.tree`), or a folder read from disk. */
interface TreeChoice {
  readonly from: 'daemon' | 'disk';
  readonly dir: string;
  readonly daemon: DaemonFacts | undefined;
}

/** The tree you named (`--formulas`, else `$PORTALGUN_FORMULAS`) and how, or undefined for none. */
function namedTree(global: GlobalOptions): { dir: string; via: string } | undefined {
  if (global.formulas !== undefined) return { dir: global.formulas, via: '--formulas' };
  const env = process.env.PORTALGUN_FORMULAS;
  return env ? { dir: env, via: '$PORTALGUN_FORMULAS' } : undefined;
}

function note(text: string): void {
  process.stderr.write(`note: ${text}\n`);
}

/**
 * Picks the tree: `prefer: 'daemon'` for what runs (the daemon's tree wins), `'named'` for the formula
 * commands (the tree you named wins); either way a note says when the two differ, or that no daemon answers.
 */
async function chooseTree(global: GlobalOptions, prefer: 'daemon' | 'named'): Promise<TreeChoice> {
  const named = namedTree(global);
  const daemon = await probeDaemon(global.run);
  const theirs = daemon?.formulas.dir;
  const differs = named !== undefined && theirs !== undefined && path.resolve(named.dir) !== theirs;
  if (prefer === 'named' && named) {
    if (differs) note(`showing ${named.dir} (${named.via}); the daemon boots from ${theirs}`);
    return { from: 'disk', dir: named.dir, daemon };
  }
  if (theirs === undefined) {
    const dir = named?.dir ?? path.join(packageRoot(), 'formulas');
    note(
      `no daemon answers, so this reads the formula tree ${dir} itself (${named?.via ?? 'the bundled tree'})`,
    );
    return { from: 'disk', dir, daemon };
  }
  if (differs)
    note(`using the daemon's formula tree ${theirs}, not ${named.dir} (${named.via}): it is what boots`);
  return { from: 'daemon', dir: theirs, daemon };
}

/** The daemon's tree as it sends it, its files named under its folder and checked against their digest. */
async function treeFromDaemon(run: string | undefined): Promise<{ dir: string; sources: FormulaSource[] }> {
  const tree = await callDaemon('formula.tree', {}, { socketPath: daemonSocketPath(run) });
  const sources = sourcesOfSentTree(tree, (node) => shownPath(path.join(tree.dir, node, FORMULA_FILE)));
  if (!sources) {
    throw new MvError(
      'daemon.protocol',
      `The formula tree the daemon sent (${tree.dir}) does not match its digest ${tree.digest}`,
      {
        hint: 'Run the command again; if it persists, restart the daemon ("portalgun daemon") and report it.',
      },
    );
  }
  return { dir: tree.dir, sources };
}

/** Reads a folder; when it is the daemon's, notes if its files differ from what the daemon reads there. */
async function treeFromDisk(chosen: TreeChoice): Promise<FormulaSource[]> {
  const sources = await readFormulaTree(chosen.dir);
  const reported = chosen.daemon?.formulas;
  if (reported?.digest && reported.dir === path.resolve(chosen.dir)) {
    if (digestFormulaSources(sources) !== reported.digest)
      note(
        `the files at ${chosen.dir} differ from what the daemon reads there (it may see another filesystem, or they just changed)`,
      );
  }
  return sources;
}

/** Gets and resolves the chosen tree; any diagnostic is an error (a broken tree is refused whole). */
export async function loadTreeInUse(
  global: GlobalOptions,
  prefer: 'daemon' | 'named' = 'daemon',
): Promise<TreeInUse> {
  const chosen = await chooseTree(global, prefer);
  const { dir, sources } =
    chosen.from === 'daemon'
      ? await treeFromDaemon(global.run)
      : { dir: chosen.dir, sources: await treeFromDisk(chosen) };
  const catalogue = resolveCatalogue(sources);
  if (catalogue.diagnostics.length > 0) throw errorFromDiagnostics(catalogue.diagnostics);
  return { dir, daemon: chosen.daemon, catalogue };
}
