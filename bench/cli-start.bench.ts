/**
 * Benchmark: how long the installed CLIs take from process start to exit, against `node -e 0` in the same
 * run (interleaved, wall time of the whole process, spawn included on both sides).
 * - Start: `portalgun --version`, `portalgun --help`, `scramble --version`, `scramble --help`. Target: each
 *   ≤ 1.3× `node -e 0`.
 * - A signed command end to end: `portalgun exec <portal> ping` against a real daemon and a booted
 *   `application/console` portal (sign → socket → verify → policy → agent → seal → open → print). Target:
 *   ≤ 2× `node -e 0`. Needs root, scripts/setup.sh and the test cache's kernel (MULTIVERSE_TEST_CACHE);
 *   `--start-only` skips it.
 * Needs a built CLI (npm run build). Run: npm run bench:cli-start
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT } from '../test/support/catalogue.js';
import { startTestDaemon } from '../test/support/daemon.js';
import { ms } from './measure.js';

const RUNS = Number(process.env.CLI_START_RUNS ?? 20);
const WARMUP = 3;
const BASELINE = ['-e', '0'];

interface Subject {
  readonly label: string;
  readonly argv: readonly string[];
  readonly target: number;
}

function wallTime(argv: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${result.status}):\n${result.stderr.toString()}`);
  }
  return elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs every subject and the baseline in turn, RUNS rounds after WARMUP; prints one table and the verdicts. */
function measure(title: string, subjects: readonly Subject[]): boolean {
  const times = new Map<string, number[]>([['baseline', []]]);
  for (const subject of subjects) times.set(subject.label, []);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const baseline = wallTime(BASELINE);
    const measured = subjects.map((s) => wallTime(s.argv));
    if (round < WARMUP) continue;
    times.get('baseline')?.push(baseline);
    subjects.forEach((s, i) => {
      times.get(s.label)?.push(measured[i] ?? Number.NaN);
    });
  }
  const base = median(times.get('baseline') ?? []);
  console.log(`\n${title}, ${RUNS} interleaved runs after ${WARMUP} warm-up (median wall time)`);
  console.log('| command | median | ratio to node -e 0 | target |');
  console.log('|---|---|---|---|');
  console.log(`| node -e 0 (baseline) | ${ms(base)} | 1.00× | |`);
  let met = true;
  for (const subject of subjects) {
    const ratio = median(times.get(subject.label) ?? []) / base;
    met &&= ratio <= subject.target;
    const verdict = ratio <= subject.target ? 'meets' : 'MISSES';
    console.log(
      `| ${subject.label} | ${ms(median(times.get(subject.label) ?? []))} | ${ratio.toFixed(2)}× | ≤ ${subject.target}× (${verdict}) |`,
    );
  }
  return met;
}

const portalgun = path.join(REPO_ROOT, 'bin/portalgun.js');
const scramble = path.join(REPO_ROOT, 'bin/scramble.js');
let met = measure('CLI start', [
  { label: 'portalgun --version', argv: [portalgun, '--version'], target: 1.3 },
  { label: 'portalgun --help', argv: [portalgun, '--help'], target: 1.3 },
  { label: 'scramble --version', argv: [scramble, '--version'], target: 1.3 },
  { label: 'scramble --help', argv: [scramble, '--help'], target: 1.3 },
]);

if (!process.argv.includes('--start-only')) {
  const daemon = await startTestDaemon();
  try {
    await daemon.call('portal.up', { formula: 'application/console', name: 'bench' });
    const exec = [portalgun, '--run', daemon.run, 'exec', 'bench', 'ping'];
    met =
      measure('A signed command end to end', [
        { label: 'portalgun exec bench ping', argv: exec, target: 2 },
      ]) && met;
  } finally {
    await daemon.dispose();
  }
}
process.exitCode = met ? 0 : 1;
