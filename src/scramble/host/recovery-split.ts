/**
 * @module Splitting a root seed into Shamir shares with the OS's randomness (shamir-secret-sharing draws the
 * polynomials and share coordinates itself, from the platform's CSPRNG), printed by the pure `encodeShares`.
 */
import { encodeShares, type RootKey } from '../index.js';
import { osRandom } from './keyring.js';

/** Bytes of the tag that tells the shares of one split from another's. */
const SPLIT_TAG_BYTES = 4;

/** The root's seed as `count` printed shares, any `threshold` of which restore it. */
export async function splitRootSeed(
  root: RootKey,
  options: { readonly threshold: number; readonly count: number },
): Promise<string[]> {
  const seed = root.exportSeed();
  try {
    const { split } = await import('./_shamir-split.js');
    const bodies = await split(seed, options.count, options.threshold);
    return encodeShares({
      bodies,
      threshold: options.threshold,
      tag: osRandom(SPLIT_TAG_BYTES),
      publicKey: root.publicKey,
    });
  } finally {
    seed.fill(0);
  }
}
