/**
 * @module A tiny benchmark harness: runs a subject and its baseline interleaved in one process, so both
 * see the same machine load, and reports medians, p95 and the ratio subject/baseline.
 */
import { performance } from 'node:perf_hooks';

/** Timings of one function, in milliseconds. */
export interface Timing {
  readonly median: number;
  readonly p95: number;
  readonly min: number;
}

/** Subject and baseline timings and their ratio. */
export interface Comparison {
  readonly subject: Timing;
  readonly baseline: Timing;
  readonly ratio: number;
  readonly runs: number;
}

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? Number.NaN };
}

/** Times `subject` and `baseline` alternately, `runs` times each, after `warmup` untimed rounds. */
export function compare(
  subject: () => unknown,
  baseline: () => unknown,
  options: { runs: number; warmup: number },
): Comparison {
  for (let i = 0; i < options.warmup; i++) {
    subject();
    baseline();
  }
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    let start = performance.now();
    subject();
    s.push(performance.now() - start);
    start = performance.now();
    baseline();
    b.push(performance.now() - start);
  }
  const subjectTiming = summarise(s);
  const baselineTiming = summarise(b);
  return {
    subject: subjectTiming,
    baseline: baselineTiming,
    ratio: subjectTiming.median / baselineTiming.median,
    runs: options.runs,
  };
}

/** Milliseconds with two decimals. */
export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}
