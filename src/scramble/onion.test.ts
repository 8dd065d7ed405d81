import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { base32Lower, publicKeyOfScrambleId, SCRAMBLE_ID_LENGTH, scrambleIdOf } from './onion.js';

interface TorVectors {
  keyed: { publicKey: string; address: string }[];
  valid: { address: string }[];
  invalid: { reason: string; address: string }[];
}
const tor = JSON.parse(
  readFileSync(new URL('../../test/vectors/tor-rend-spec-v3.json', import.meta.url), 'utf8'),
) as TorVectors;
const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const badId = (e: unknown) => e instanceof MvError && e.code === 'scramble.bad-id';
const key = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + seed) & 0xff);

describe('scrambleIdOf', () => {
  it('builds the addresses Tor builds for the same keys (test_hs_common.c, hs_build_address.py)', () => {
    for (const vector of tor.keyed) {
      assert.equal(scrambleIdOf(hex(vector.publicKey)), vector.address);
      assert.deepEqual(publicKeyOfScrambleId(vector.address), hex(vector.publicKey));
      assert.deepEqual(publicKeyOfScrambleId(`${vector.address}.onion`), hex(vector.publicKey));
    }
  });

  it('is 56 lowercase base32 characters ending in "d" (version 3) and round-trips', () => {
    for (let seed = 0; seed < 50; seed++) {
      const id = scrambleIdOf(key(seed));
      assert.equal(id.length, SCRAMBLE_ID_LENGTH);
      assert.match(id, /^[a-z2-7]{55}d$/);
      assert.deepEqual(publicKeyOfScrambleId(id), key(seed));
    }
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => scrambleIdOf(new Uint8Array(31)), badId);
  });
});

describe('publicKeyOfScrambleId', () => {
  it("accepts Tor's valid addresses and the rend-spec-v3 examples, and re-encodes them unchanged", () => {
    for (const { address } of tor.valid) {
      const bare = address.replace(/\.onion$/, '');
      assert.equal(scrambleIdOf(publicKeyOfScrambleId(address)), bare);
    }
  });

  it("rejects Tor's invalid addresses (length, checksum, alphabet)", () => {
    for (const { address } of tor.invalid) assert.throws(() => publicKeyOfScrambleId(address), badId);
  });

  it('rejects every single-character substitution of a valid ID', () => {
    const id = scrambleIdOf(key(7));
    for (let i = 0; i < id.length; i++) {
      const other = id[i] === 'a' ? 'b' : 'a';
      const broken = `${id.slice(0, i)}${other}${id.slice(i + 1)}`;
      assert.throws(() => publicKeyOfScrambleId(broken), badId, `position ${i}`);
    }
  });

  it('rejects a wrong version byte even with a matching checksum', () => {
    const pub = key(3);
    const raw = new Uint8Array(35);
    raw.set(pub);
    const sum = createHash('sha3-256')
      .update('.onion checksum')
      .update(pub)
      .update(Uint8Array.of(4))
      .digest();
    raw.set(sum.subarray(0, 2), 32);
    raw[34] = 4;
    assert.throws(() => publicKeyOfScrambleId(base32Lower(raw)), /version 4/);
  });

  it('rejects uppercase, padding, whitespace, other suffixes and truncation without echoing the input', () => {
    const id = scrambleIdOf(key(9));
    const cases = [
      id.toUpperCase(),
      `${id}====`,
      ` ${id}`,
      `${id}.onion.`,
      `${id}.com`,
      id.slice(1),
      `${id}a`,
    ];
    for (const text of cases) {
      assert.throws(
        () => publicKeyOfScrambleId(text),
        (e: unknown) => badId(e) && !(e as Error).message.includes(id.slice(5, 30)),
      );
    }
  });

  it('matches RFC 4648 base32 for the standard test strings (lowercase, unpadded)', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi'],
    ];
    for (const [text, encoded] of cases) assert.equal(base32Lower(Buffer.from(text)), encoded);
  });
});
