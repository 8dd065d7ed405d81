import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RateKey, RateLimiter } from './rate-limit.js';

function clock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

const KEY: RateKey = { kid: 'kaaaaaaaaaaaaaaaaaaaaaaaa', verb: 'portal.exec' };
const FIVE_A_SECOND = { ratePerSecond: 5, burst: 10 };

describe('RateLimiter.take', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const limiter = new RateLimiter({ now: clock().now });
    for (let i = 0; i < 10; i += 1) assert.deepEqual(limiter.take(KEY, FIVE_A_SECOND), { ok: true }, `#${i}`);
    assert.deepEqual(limiter.take(KEY, FIVE_A_SECOND), { ok: false, retryAfterMs: 200 });
  });

  it('refills over injected time at the rate, never beyond the burst', () => {
    const time = clock();
    const limiter = new RateLimiter({ now: time.now });
    for (let i = 0; i < 10; i += 1) limiter.take(KEY, FIVE_A_SECOND);
    time.advance(100);
    assert.deepEqual(limiter.take(KEY, FIVE_A_SECOND), { ok: false, retryAfterMs: 100 });
    time.advance(100);
    assert.deepEqual(limiter.take(KEY, FIVE_A_SECOND), { ok: true });
    assert.equal(limiter.take(KEY, FIVE_A_SECOND).ok, false);
    time.advance(3_600_000);
    let granted = 0;
    while (limiter.take(KEY, FIVE_A_SECOND).ok) granted += 1;
    assert.equal(granted, 10);
  });

  it('handles slow rates (per hour) with a retry-after in milliseconds', () => {
    const limiter = new RateLimiter({ now: clock().now });
    const tenAnHour = { ratePerSecond: 10 / 3600, burst: 1 };
    assert.equal(limiter.take(KEY, tenAnHour).ok, true);
    assert.deepEqual(limiter.take(KEY, tenAnHour), { ok: false, retryAfterMs: 360_000 });
  });

  it('keeps keys apart: flooding one key id or verb leaves the others untouched', () => {
    const limiter = new RateLimiter({ now: clock().now });
    for (let i = 0; i < 1000; i += 1) limiter.take(KEY, FIVE_A_SECOND);
    assert.equal(limiter.take(KEY, FIVE_A_SECOND).ok, false);
    for (const other of [
      { ...KEY, kid: 'kbbbbbbbbbbbbbbbbbbbbbbbb' },
      { ...KEY, verb: 'portal.logs' },
      // Parts are kept apart even when joining them naively would collide.
      { kid: `${KEY.kid}","portal`, verb: 'exec' },
    ]) {
      assert.deepEqual(limiter.take(other, FIVE_A_SECOND), { ok: true }, JSON.stringify(other));
    }
  });

  it('does not mint tokens when the clock steps backwards', () => {
    const time = clock(10_000);
    const limiter = new RateLimiter({ now: time.now });
    const one = { ratePerSecond: 1, burst: 1 };
    assert.equal(limiter.take(KEY, one).ok, true);
    time.set(0);
    assert.equal(limiter.take(KEY, one).ok, false);
    time.set(10_999);
    assert.equal(limiter.take(KEY, one).ok, false);
    time.set(11_000);
    assert.equal(limiter.take(KEY, one).ok, true);
  });

  it('refuses a nonsensical limit as a bug', () => {
    const limiter = new RateLimiter({ now: clock().now });
    assert.throws(() => limiter.take(KEY, { ratePerSecond: 0, burst: 1 }), { code: 'internal.bug' });
    assert.throws(() => limiter.take(KEY, { ratePerSecond: 1, burst: 0 }), { code: 'internal.bug' });
  });
});

describe('RateLimiter memory', () => {
  it('sweep drops buckets that have refilled and keeps the ones still draining', () => {
    const time = clock();
    const limiter = new RateLimiter({ now: time.now });
    limiter.take(KEY, { ratePerSecond: 1, burst: 2 });
    limiter.take({ ...KEY, verb: 'slow' }, { ratePerSecond: 1 / 3600, burst: 1 });
    time.advance(1000);
    assert.equal(limiter.sweep(), 1);
    time.advance(3_600_000);
    assert.equal(limiter.sweep(), 0);
  });

  it('sweeps by itself once sweepEveryMs has passed', () => {
    const time = clock();
    const limiter = new RateLimiter({ now: time.now, sweepEveryMs: 1000 });
    for (let i = 0; i < 50; i += 1) limiter.take({ ...KEY, verb: `t${i}` }, FIVE_A_SECOND);
    assert.equal(limiter.size().buckets, 50);
    time.advance(1000);
    limiter.take(KEY, FIVE_A_SECOND);
    assert.equal(limiter.size().buckets, 1);
  });

  it('never holds more than maxKeys buckets, dropping the least recently used', () => {
    const time = clock();
    const limiter = new RateLimiter({ now: time.now, maxKeys: 3 });
    const one = { ratePerSecond: 1 / 3600, burst: 1 };
    for (const verb of ['a', 'b', 'c']) limiter.take({ ...KEY, verb }, one);
    assert.equal(limiter.take({ ...KEY, verb: 'a' }, one).ok, false);
    limiter.take({ ...KEY, verb: 'd' }, one);
    assert.equal(limiter.size().buckets, 3);
    // "b" was the least recently used, so it was dropped and starts full; "a" was kept.
    assert.equal(limiter.take({ ...KEY, verb: 'a' }, one).ok, false);
    assert.equal(limiter.take({ ...KEY, verb: 'b' }, one).ok, true);
  });
});

describe('RateLimiter.acquire', () => {
  it('admits up to max in flight per key and frees a slot on release', () => {
    const limiter = new RateLimiter({ now: clock().now });
    const first = limiter.acquire(KEY, 2);
    const second = limiter.acquire(KEY, 2);
    assert.ok(first && second);
    assert.equal(limiter.acquire(KEY, 2), undefined);
    assert.ok(limiter.acquire({ ...KEY, verb: 'portal.logs' }, 2), 'another verb has its own count');
    first();
    const third = limiter.acquire(KEY, 2);
    assert.ok(third);
    assert.equal(limiter.acquire(KEY, 2), undefined);
  });

  it('ignores a second release and forgets keys with nothing in flight', () => {
    const limiter = new RateLimiter({ now: clock().now });
    const release = limiter.acquire(KEY, 1);
    assert.ok(release);
    release();
    release();
    assert.equal(limiter.size().inflight, 0);
    const a = limiter.acquire(KEY, 2);
    const b = limiter.acquire(KEY, 2);
    a?.();
    a?.();
    assert.equal(limiter.acquire(KEY, 2) !== undefined, true, 'one slot free after one release');
    assert.equal(limiter.acquire(KEY, 2), undefined, 'the double release did not free a second slot');
    b?.();
  });
});
