/**
 * @module Token buckets and in-flight counters, one per (key id, verb), so a caller flooding one verb cannot
 * use up another's allowance. The key holds nothing the caller chooses freely: a target (a portal name, say)
 * in it would let one key multiply its allowance by naming new targets. The clock is injected (`now()` in monotonic
 * milliseconds) and nothing here sets a timer: buckets refill lazily when they are next used.
 *
 * Memory stays bounded:
 * - a bucket that has refilled to its burst behaves exactly like a missing one, so `sweep()` drops it; the
 *   limiter sweeps by itself at most once every `sweepEveryMs` of clock time, on a `take`;
 * - beyond `maxKeys` live buckets, the least recently used one is dropped (which can only hand that idle
 *   key its full burst back early, never refuse anyone);
 * - an in-flight counter exists only while something is in flight.
 * Pure: no I/O, no timers.
 */
import { MvError } from '../errors/index.js';

/** What a limit is kept for: one key id and one verb (a daemon method, or `agent.<verb>`). */
export interface RateKey {
  readonly kid: string;
  readonly verb: string;
}

/** A token-bucket limit: refill `ratePerSecond` tokens a second, hold at most `burst`. */
export interface BucketLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** The outcome of `take`: go ahead, or retry after this many milliseconds. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** Options of a `RateLimiter`. */
export interface RateLimiterOptions {
  /** Monotonic milliseconds (e.g. `performance.now`); wall-clock jumps must not refill buckets. */
  readonly now: () => number;
  /** Most buckets kept at once (default 10 000). */
  readonly maxKeys?: number;
  /** Least clock time between automatic sweeps (default 60 000 ms). */
  readonly sweepEveryMs?: number;
}

interface Bucket {
  tokens: number;
  last: number;
  limit: BucketLimit;
}

/** Per-(key id, verb) token buckets and in-flight counters over an injected clock. */
export class RateLimiter {
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #sweepEveryMs: number;
  // Insertion order doubles as recency order: a used bucket is re-inserted at the end.
  readonly #buckets = new Map<string, Bucket>();
  readonly #inflight = new Map<string, number>();
  #lastSweep: number;

  constructor(options: RateLimiterOptions) {
    this.#now = options.now;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#sweepEveryMs = options.sweepEveryMs ?? 60_000;
    this.#lastSweep = this.#now();
  }

  /** Takes one token from the key's bucket, or says how long until one is available. */
  take(key: RateKey, limit: BucketLimit): TakeResult {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new MvError(
        'internal.bug',
        'Rate limit needs a positive rate and a burst of at least 1 (please report)',
      );
    }
    const now = this.#now();
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.sweep();
    const id = keyId(key);
    const bucket = refill(this.#buckets.get(id) ?? { tokens: limit.burst, last: now, limit }, limit, now);
    this.#buckets.delete(id);
    this.#buckets.set(id, bucket);
    this.#evictOverflow();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / limit.ratePerSecond) };
  }

  /** Counts one more request in flight for the key; returns its release, or undefined when `max` are running. */
  acquire(key: RateKey, max: number): (() => void) | undefined {
    const id = keyId(key);
    const running = this.#inflight.get(id) ?? 0;
    if (running >= max) return undefined;
    this.#inflight.set(id, running + 1);
    let released = false;
    return () => {
      // Releasing twice would let a buggy caller exceed the limit, so the second call does nothing.
      if (released) return;
      released = true;
      const left = (this.#inflight.get(id) ?? 1) - 1;
      if (left <= 0) this.#inflight.delete(id);
      else this.#inflight.set(id, left);
    };
  }

  /** Drops every bucket that has refilled to its burst; returns how many remain. */
  sweep(): number {
    const now = this.#now();
    this.#lastSweep = now;
    for (const [id, bucket] of this.#buckets) {
      if (refill(bucket, bucket.limit, now).tokens >= bucket.limit.burst) this.#buckets.delete(id);
    }
    return this.#buckets.size;
  }

  /** How many buckets and in-flight counters are held, for tests and metrics. */
  size(): { buckets: number; inflight: number } {
    return { buckets: this.#buckets.size, inflight: this.#inflight.size };
  }

  #evictOverflow(): void {
    for (const id of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) return;
      this.#buckets.delete(id);
    }
  }
}

function refill(bucket: Bucket, limit: BucketLimit, now: number): Bucket {
  // A clock that steps backwards must not mint tokens, so negative elapsed time counts as none.
  const elapsed = Math.max(0, now - bucket.last);
  const tokens = Math.min(limit.burst, bucket.tokens + (elapsed * limit.ratePerSecond) / 1000);
  return { tokens, last: Math.max(now, bucket.last), limit };
}

// JSON of an array keeps the parts apart whatever characters they contain.
function keyId(key: RateKey): string {
  return JSON.stringify([key.kid, key.verb]);
}
