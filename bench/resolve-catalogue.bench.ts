/**
 * Benchmark: resolve the whole bundled catalogue (parse + validate + lineage + merge + checks + hashes)
 * against a baseline of merely parsing the same YAML files, in the same run. Target: median under 100 ms.
 * Also times the first resolution in a fresh process (schema construction and JIT warm-up included).
 * Run: npm run bench
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readFormulaTree } from '../src/formula/host/read-tree.js';
import { resolveCatalogue } from '../src/formula/index.js';
import { compare, ms } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = await readFormulaTree(path.join(root, 'formulas'), { cwd: root });

const coldStart = performance.now();
const first = resolveCatalogue(sources);
const cold = performance.now() - coldStart;
if (first.diagnostics.length > 0) throw new Error('the bundled catalogue does not validate');

const result = compare(
  () => resolveCatalogue(sources),
  () => sources.map((s) => parse(s.text)),
  { runs: 200, warmup: 20 },
);

const targetMs = 100;
const verdict = result.subject.median < targetMs ? 'meets' : 'MISSES';
console.log(
  `resolve the catalogue (${sources.length} formulas, ${first.formulas.size} manifests), ${result.runs} runs`,
);
console.log(`| measure | median | p95 |`);
console.log(`|---|---|---|`);
console.log(`| resolveCatalogue (subject) | ${ms(result.subject.median)} | ${ms(result.subject.p95)} |`);
console.log(`| YAML parse only (baseline) | ${ms(result.baseline.median)} | ${ms(result.baseline.p95)} |`);
console.log(`| first resolution in a fresh process | ${ms(cold)} | |`);
console.log(`ratio subject/baseline: ${result.ratio.toFixed(1)}×; ${verdict} the ${targetMs} ms target`);
process.exitCode = verdict === 'meets' ? 0 : 1;
