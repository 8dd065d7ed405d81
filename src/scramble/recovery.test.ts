import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { split } from 'shamir-secret-sharing';
import { MvError } from '../errors/index.js';
import { rootKeyFromSeed } from './keys.js';
import {
  decodeShare,
  encodeShares,
  parseRecoveryInput,
  parseShareSpec,
  recoveryPhraseOf,
  renderRecoveryKit,
  SHARE_PREFIX,
  seedOfRecoveryInput,
  seedOfRecoveryPhrase,
  seedOfShares,
} from './recovery.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/bip39-english.json', import.meta.url), 'utf8'),
) as { vectors: [string, string][] };
const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const seed = Uint8Array.from(createHash('sha256').update('recovery test seed').digest());
const root = rootKeyFromSeed(seed);

/** A `scramble.bad-recovery` whose message matches `pattern`. */
const badRecovery = (pattern: RegExp) => (e: unknown) =>
  e instanceof MvError && e.code === 'scramble.bad-recovery' && pattern.test(e.message);

async function sharesOf(threshold: number, count: number, tag = Uint8Array.of(1, 2, 3, 4)) {
  const bodies = await split(seed, count, threshold);
  return encodeShares({ bodies, threshold, tag, publicKey: root.publicKey });
}
const labelled = (texts: readonly string[]) => texts.map((text, i) => ({ text, label: `share ${i + 1}` }));

describe('the recovery phrase', () => {
  it('is the seed in BIP-39 English words: every published 256-bit vector, both ways', async () => {
    for (const [entropy, mnemonic] of vectors.vectors) {
      assert.equal((await recoveryPhraseOf(hex(entropy))).join(' '), mnemonic);
      assert.deepEqual(await seedOfRecoveryPhrase(mnemonic), hex(entropy));
    }
  });

  it('reads the words in any case and spacing, numbered or not', async () => {
    const words = await recoveryPhraseOf(seed);
    const typed = words.map((word, i) => `${i + 1}. ${word.toUpperCase()}`).join(',\n  ');
    assert.deepEqual(await seedOfRecoveryPhrase(typed), seed);
  });

  it('names the word that is not on the list, without echoing it', async () => {
    const words = await recoveryPhraseOf(seed);
    words[6] = 'qwzx';
    await assert.rejects(seedOfRecoveryPhrase(words.join(' ')), (e: unknown) => {
      assert.ok(badRecovery(/^Word 7 of the recovery phrase is not on the BIP-39 English list$/)(e));
      assert.doesNotMatch((e as MvError).message, /qwzx/);
      return true;
    });
  });

  it('refuses a wrong word count and a checksum that does not add up', async () => {
    const words = await recoveryPhraseOf(seed);
    await assert.rejects(seedOfRecoveryPhrase(words.slice(1).join(' ')), badRecovery(/has 23 words/));
    // Checked for this seed: both fail the 8-bit checksum (1 in 256 such changes would pass it by chance).
    const swapped = [words[1], words[0], ...words.slice(2)].join(' ');
    const wrong = [words[0] === 'abandon' ? 'ability' : 'abandon', ...words.slice(1)].join(' ');
    for (const phrase of [swapped, wrong]) {
      await assert.rejects(seedOfRecoveryPhrase(phrase), badRecovery(/checksum \(in the last word\)/));
    }
  });
});

describe('Shamir shares', () => {
  it('restores the seed from any K of N shares, in any order', async () => {
    const shares = await sharesOf(3, 5);
    assert.equal(shares.length, 5);
    for (const share of shares) assert.match(share, /^mvshare1-([a-z2-7]{5}-){15}[a-z2-7]{5}$/);
    for (const pick of [
      [0, 1, 2],
      [4, 2, 0],
      [1, 3, 4],
      [0, 1, 2, 3, 4],
    ]) {
      assert.deepEqual(await seedOfShares(labelled(pick.map((i) => shares[i] ?? ''))), seed);
    }
    const decoded = decodeShare(` ${shares[1]?.toUpperCase().replaceAll('-', ' ')} `, 'typed');
    assert.deepEqual([decoded.threshold, decoded.count, decoded.number], [3, 5, 2]);
  });

  it('says how many shares are missing, and counts a repeated share once', async () => {
    const [a = '', b = ''] = await sharesOf(3, 5);
    await assert.rejects(
      seedOfShares(labelled([a, b, a])),
      badRecovery(/^2 different shares given; this backup needs 3 of its 5$/),
    );
  });

  it('names the share with a mistyped character, and the one from another backup', async () => {
    const shares = await sharesOf(2, 3);
    const typo = `${shares[1]?.slice(0, 22)}${shares[1]?.[22] === 'a' ? 'b' : 'a'}${shares[1]?.slice(23)}`;
    await assert.rejects(
      seedOfShares(labelled([shares[0] ?? '', typo])),
      badRecovery(/^share 2 fails its checksum/),
    );
    const other = await sharesOf(2, 3, Uint8Array.of(9, 9, 9, 9));
    await assert.rejects(
      seedOfShares(labelled([shares[0] ?? '', other[1] ?? ''])),
      badRecovery(/^share 2 belongs to another backup than share 1$/),
    );
    await assert.rejects(
      seedOfShares(labelled(['mvshare1-abcde'])),
      badRecovery(/^share 1 is not a Scramble share/),
    );
  });

  it('reads K/N for --shares, and refuses what cannot be split', () => {
    assert.deepEqual(parseShareSpec('3/5'), { threshold: 3, count: 5 });
    for (const bad of ['1/3', '4/3', '3', '2/17', 'a/b', '3/5/7']) {
      assert.throws(
        () => parseShareSpec(bad),
        (e: unknown) => e instanceof MvError && e.code === 'usage.invalid',
      );
    }
  });
});

describe('the printed kit', () => {
  it('reads back the phrase and the shares it printed, checked against the Scramble ID it names', async () => {
    const phraseKit = renderRecoveryKit({
      scrambleId: root.scrambleId,
      name: 'owner',
      phrase: await recoveryPhraseOf(seed),
    });
    const phraseInput = parseRecoveryInput(phraseKit);
    assert.equal(phraseInput.scrambleId, root.scrambleId);
    assert.deepEqual(await seedOfRecoveryInput(phraseInput), seed);
    const shares = await sharesOf(2, 3);
    const sharesKit = renderRecoveryKit({ scrambleId: root.scrambleId, name: 'owner', shares, threshold: 2 });
    const lines = sharesKit.split('\n');
    const partial = lines.filter((line) => line !== shares[1]).join('\n');
    assert.deepEqual(await seedOfRecoveryInput(parseRecoveryInput(partial)), seed);
  });

  it('refuses a kit whose words give another ID than its comment names, and a stray line among shares', async () => {
    const other = rootKeyFromSeed(new Uint8Array(32).fill(7)).scrambleId;
    const kit = renderRecoveryKit({ scrambleId: other, name: 'owner', phrase: await recoveryPhraseOf(seed) });
    await assert.rejects(
      seedOfRecoveryInput(parseRecoveryInput(kit)),
      badRecovery(new RegExp(`says it restores ${other}, but its words give ${root.scrambleId}`)),
    );
    const [share = ''] = await sharesOf(2, 3);
    assert.throws(
      () => parseRecoveryInput(`# kit\n${share}\nsome words\n`),
      badRecovery(/^Line 3 is neither a share nor a comment$/),
    );
    assert.ok(share.startsWith(SHARE_PREFIX));
  });
});
