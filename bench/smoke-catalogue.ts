/**
 * @module `npm run smoke:catalogue` (as root; not in CI, it downloads and builds every image): builds and
 * boots every startable formula of the bundled catalogue to `ready` through a real daemon, behind the router
 * chain as shipped (the owner's settings and the private Tor network of the router tests), and reports per
 * formula the build time (or that the image was already built), the boot time, the image size and the
 * outcome with its reason. The routers go first and stay up; every other portal is stopped after its boot.
 *   npm run smoke:catalogue                       every formula
 *   npm run smoke:catalogue -- --only firefox     formulas whose node contains "firefox"
 *   npm run smoke:catalogue -- --write            also replace the table in BENCHMARKS.md
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asMvError } from '../src/errors/index.js';
import type { Manifest } from '../src/formula/index.js';
import { bundledCatalogue, REPO_ROOT } from '../test/support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../test/support/daemon.js';
import { createWorld } from '../test/support/world.js';

/** One formula's outcome. */
interface SmokeRow {
  readonly node: string;
  readonly build: string;
  readonly boot: string;
  readonly size: string;
  readonly result: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 1_048_576)} MiB`;
const ROUTERS = ['service/router/universe', 'service/router/galaxy', 'service/router/star'];

/** Startable formulas, routers first in chain order, then the rest by node. */
function startable(manifests: readonly Manifest[], only: string | undefined): Manifest[] {
  const nodes = manifests.filter((m) => !m.abstract).map((m) => m.node);
  const rest = nodes.filter((n) => !ROUTERS.includes(n)).sort();
  const wanted = [...ROUTERS, ...rest].filter((n) => !only || n.includes(only) || ROUTERS.includes(n));
  return wanted.map((n) => manifests.find((m) => m.node === n) as Manifest);
}

async function smokeOne(daemon: TestDaemon, manifest: Manifest): Promise<SmokeRow> {
  const node = manifest.node;
  const known = new Set((await daemon.call('image.list', {})).images.map((i) => i.imageKey));
  let build = '-';
  let boot = '-';
  let size = '-';
  try {
    const started = performance.now();
    const prepared = await daemon.call('image.prepare', { formula: node });
    build = known.has(prepared.imageKey) ? 'built before' : seconds(performance.now() - started);
    const image = (await daemon.call('image.list', {})).images.find((i) => i.imageKey === prepared.imageKey);
    size = image ? mib(image.sizeBytes) : '-';
    const booting = performance.now();
    const up = await daemon.call('portal.up', { formula: node, name: manifest.name });
    boot = seconds(performance.now() - booting);
    if (!ROUTERS.includes(node)) await daemon.call('portal.down', { name: up.name, force: true });
    return { node, build, boot, size, result: 'pass' };
  } catch (error) {
    const reason = asMvError(error).message.split('\n')[0] ?? '';
    return { node, build, boot, size, result: `fail: ${reason.replaceAll('|', '/').slice(0, 160)}` };
  }
}

function renderTable(rows: readonly SmokeRow[], when: string): string {
  const lines = [
    `Run ${when} on the 2-core Xeon VM (TCG), images built from the host's Debian archive.`,
    '',
    '| formula | build | boot to ready | image size | result |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.node}\` | ${r.build} | ${r.boot} | ${r.size} | ${r.result} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Replaces the text between the smoke markers of BENCHMARKS.md. */
function writeBenchmarks(table: string): void {
  const file = path.join(REPO_ROOT, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const [begin, end] = ['<!-- smoke:begin -->', '<!-- smoke:end -->'];
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`BENCHMARKS.md has no ${begin} … ${end} section`);
  writeFileSync(file, `${text.slice(0, from + begin.length)}\n${table}${text.slice(to)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const manifests = [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
  const world = createWorld();
  const tree = world.treeFor();
  const daemon = await startTestDaemon({ formulas: tree });
  const rows: SmokeRow[] = [];
  try {
    await world.prepareShares(daemon.state);
    world.watchUplink();
    await world.tor.ready();
    for (const manifest of startable(manifests, only)) {
      process.stderr.write(`smoke: ${manifest.node} …\n`);
      const row = await smokeOne(daemon, manifest);
      process.stderr.write(`smoke: ${row.node}: ${row.result} (build ${row.build}, boot ${row.boot})\n`);
      rows.push(row);
    }
  } finally {
    await daemon.dispose().catch((error: unknown) => process.stderr.write(`${String(error)}\n`));
    world.dispose();
    rmSync(tree, { recursive: true, force: true });
  }
  const table = renderTable(rows, new Date().toISOString().slice(0, 10));
  process.stdout.write(table);
  if (args.includes('--write')) writeBenchmarks(table);
  if (rows.some((r) => r.result !== 'pass')) process.exitCode = 1;
}

await main();
