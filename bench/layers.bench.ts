/**
 * Benchmark: building Debian layers, cold and with the parents cached, against plain debootstrap in the
 * same run.
 * - Baseline: `debootstrap --variant=minbase bookworm` into a folder, nothing else.
 * - Cold: every layer of a three-level branch in an empty store (minbase, a formula adding jq, its child
 *   adding less): the time of each layer.
 * - Cached: a sibling of the child (adding file) once its parents are built: only its own layer is made.
 * - Reproducibility: minbase built a second time in another store; the two layer digests compared and,
 *   when they differ, the files that differ (both layers unpacked with fsck.erofs --extract).
 * Needs root, network access to the host's Debian archive (its apt sources, or PORTALGUN_DEBIAN_MIRROR),
 * scripts/setup.sh. Run: npm run bench:layers
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readBuildArchive } from '../src/daemon/images/debian-archive.js';
import { archiveOverrideFrom, DEBIAN_SUITE } from '../src/debian/index.js';
import type { Manifest } from '../src/formula/index.js';
import { ensureLayers, type LayerBuildOptions } from '../src/image/host/build-layers.js';
import { blobPath, planLayers } from '../src/image/index.js';
import { bundledFormula } from '../test/support/catalogue.js';
import { ms } from './measure.js';

async function branch(): Promise<Map<string, Manifest>> {
  const { manifest } = await bundledFormula('application/console');
  const debian = (node: string, packages: string[]): Manifest => ({
    ...manifest,
    node,
    image: { ...manifest.image, backend: 'debian' },
    packages,
  });
  return new Map([
    ['bench', debian('bench', ['jq'])],
    ['bench/pager', debian('bench/pager', ['jq', 'less'])],
    ['bench/file', debian('bench/file', ['jq', 'file'])],
  ]);
}

/** The daemon's way to the archive: the host's apt sources and proxy, or PORTALGUN_DEBIAN_MIRROR. */
const archive = await readBuildArchive({ debianOverride: archiveOverrideFrom(process.env) });
const layerOptions: LayerBuildOptions = {
  archive: async () => archive,
  now: () => Date.now(),
  log: () => undefined,
};

/** Builds the layers of `node` one at a time (the ones below are already there) and times each. */
async function timedLayers(stateRoot: string, node: string, manifests: Map<string, Manifest>) {
  const specs = planLayers(node, (n) => manifests.get(n));
  const times: { node: string; ms: number }[] = [];
  for (let i = 1; i <= specs.length; i++) {
    const started = performance.now();
    await ensureLayers(stateRoot, specs.slice(0, i), layerOptions);
    times.push({ node: specs[i - 1]?.node ?? '', ms: performance.now() - started });
  }
  return times;
}

/** Path → SHA-256 of every regular file and symlink target under `root`. */
function fileDigests(root: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile())
      digests.set(path.relative(root, file), createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return digests;
}

/** Builds minbase again in a second store and reports how the two layers differ. */
async function reproducibility(firstRoot: string, manifests: Map<string, Manifest>): Promise<void> {
  const second = mkdtempSync('/tmp/mv-bench-layers-again-');
  try {
    const specs = planLayers('bench', (n) => manifests.get(n)).slice(0, 1);
    const [again] = await ensureLayers(second, specs, layerOptions);
    const [once] = await ensureLayers(firstRoot, specs, layerOptions);
    console.log(`\nminbase layer digests: ${once?.digest} / ${again?.digest}`);
    if (!once || !again || once.digest === again.digest) return;
    const trees = [once, again].map((layer, i) => {
      const dir = path.join(second, `extract-${i}`);
      spawnSync('fsck.erofs', [`--extract=${dir}`, blobPath(i === 0 ? firstRoot : second, layer.digest)], {
        stdio: 'ignore',
      });
      return fileDigests(dir);
    });
    const [a, b] = trees as [Map<string, string>, Map<string, string>];
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((file) => a.get(file) !== b.get(file));
    console.log(`files: ${a.size}; differing: ${differing.length}`);
    for (const file of differing.slice(0, 40)) console.log(`  ${file}`);
  } finally {
    rmSync(second, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const manifests = await branch();
  const root = mkdtempSync('/tmp/mv-bench-layers-');
  try {
    const raw = path.join(root, 'raw');
    const t0 = performance.now();
    const debootstrap = spawnSync(
      'debootstrap',
      ['--variant=minbase', '--components=main', DEBIAN_SUITE, raw, archive.archive.archive],
      { stdio: 'ignore', env: { ...process.env, ...archive.proxyEnv } },
    );
    if (debootstrap.status !== 0) throw new Error('debootstrap failed');
    const baseline = performance.now() - t0;
    rmSync(raw, { recursive: true, force: true });
    const cold = await timedLayers(root, 'bench/pager', manifests);
    const cached = await timedLayers(root, 'bench/file', manifests);
    const ratio = (value: number) => `${(value / baseline).toFixed(2)}×`;
    console.log('| measure | time | vs debootstrap |');
    console.log('|---|---|---|');
    console.log(`| debootstrap --variant=minbase (baseline) | ${ms(baseline)} | 1.00× |`);
    for (const layer of cold)
      console.log(`| cold: layer ${layer.node} | ${ms(layer.ms)} | ${ratio(layer.ms)} |`);
    const total = cold.reduce((sum, layer) => sum + layer.ms, 0);
    console.log(`| cold: whole branch | ${ms(total)} | ${ratio(total)} |`);
    const reuse = cached.reduce((sum, layer) => sum + layer.ms, 0);
    console.log(`| parents cached: sibling bench/file, whole build | ${ms(reuse)} | ${ratio(reuse)} |`);
    await reproducibility(root, manifests);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
