/**
 * @module The recovery kit: a root seed written for paper, and read back.
 * - A **recovery phrase**: the 32-byte seed as 24 words of the BIP-39 English list (BIP-39's entropy
 *   encoding, with its 8-bit checksum in the last word). The words are the Ed25519 seed itself, not a BIP-39
 *   wallet seed (no PBKDF2): a wallet would make another key from them.
 * - **Shamir shares** (`K` of `N`): the seed split over GF(2^8) (shamir-secret-sharing, split by the caller
 *   with the OS's randomness), each share printed as `mvshare1-` and 80 base32 characters in groups of
 *   five, encoding 50 bytes: K, N, the share's number, a 4-byte tag of the split (shares of two backups
 *   never mix), a 4-byte fingerprint of the Scramble ID, the 33-byte share, and a 6-byte checksum
 *   (SHA-256 under a domain prefix) that catches a mistyped character.
 *
 * Reading names what is wrong: which word is not on the list, which share fails its checksum or belongs to
 * another backup, how many shares are missing. Errors name positions, never the secret words themselves.
 * The word list and the Shamir code are imported when first used, so other commands do not load them.
 * Pure: no I/O, no randomness (the split comes in already made), no clock.
 */
import { createHash } from 'node:crypto';
import { MvError } from '../errors/index.js';
import { rootKeyFromSeed, SEED_BYTES } from './keys.js';
import { base32Decode, base32Lower } from './onion.js';

/** Words in a recovery phrase (256 bits of seed and 8 of checksum, 11 bits a word). */
export const PHRASE_WORDS = 24;

/** The prefix of a printed share (its format's version is the 1). */
export const SHARE_PREFIX = 'mvshare1-';

/** At most this many shares: each must be stored somewhere safe, and a kit this big is already unwieldy. */
export const MAX_SHARES = 16;

const SHARE_DOMAIN = 'multiverse/scramble-share/v1\0';
const TAG_BYTES = 4;
const FINGERPRINT_BYTES = 4;
const SHARE_BODY_BYTES = SEED_BYTES + 1;
const CHECKSUM_BYTES = 6;
const SHARE_BYTES = 3 + TAG_BYTES + FINGERPRINT_BYTES + SHARE_BODY_BYTES + CHECKSUM_BYTES;
/** 50 bytes are exactly 80 base32 characters (no padding bits), printed in groups of five. */
const SHARE_CHARS = (SHARE_BYTES * 8) / 5;
const GROUP = /.{1,5}/g;
const WORD_NUMBERING = /^\d+[.):]?$/;

function badRecovery(message: string, hint: string): MvError {
  return new MvError('scramble.bad-recovery', message, { hint });
}

// --- The phrase ---------------------------------------------------------------------------------------------

/** The 24 words of a 32-byte root seed. */
export async function recoveryPhraseOf(seed: Uint8Array): Promise<string[]> {
  if (seed.length !== SEED_BYTES)
    throw new MvError('internal.bug', `A root seed has ${SEED_BYTES} bytes (please report)`);
  const { entropyToMnemonic, wordlist } = await import('./_recovery-packages.js');
  return entropyToMnemonic(seed, wordlist).split(' ');
}

/** The words of a phrase as typed: any case, any spacing, numbering such as "7." or "12)" dropped. */
function phraseWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((token) => token !== '' && !WORD_NUMBERING.test(token));
}

/** The root seed of a recovery phrase; `scramble.bad-recovery` names the first word that is wrong. */
export async function seedOfRecoveryPhrase(text: string): Promise<Uint8Array> {
  const words = phraseWords(text);
  if (words.length !== PHRASE_WORDS) {
    throw badRecovery(
      `The recovery phrase has ${words.length} words; a Scramble recovery phrase has ${PHRASE_WORDS}`,
      'Give all 24 words, in order, as the kit printed them.',
    );
  }
  const { mnemonicToEntropy, wordlist } = await import('./_recovery-packages.js');
  const unknown = words.findIndex((word) => !wordlist.includes(word));
  if (unknown >= 0) {
    throw badRecovery(
      `Word ${unknown + 1} of the recovery phrase is not on the BIP-39 English list`,
      'Check its spelling against the kit; every word on the list is fixed by its first four letters.',
    );
  }
  try {
    return Uint8Array.from(mnemonicToEntropy(words.join(' '), wordlist));
  } catch {
    // Every word is on the list, so only the checksum in the last word can have failed.
    throw badRecovery(
      'The recovery phrase does not add up: its checksum (in the last word) does not match the other words',
      'A word is wrong but on the list, or two words are swapped: compare each with the kit.',
    );
  }
}

// --- Shares -------------------------------------------------------------------------------------------------

/** A decoded share: which split it belongs to, and its part of the seed. */
export interface RecoveryShare {
  readonly threshold: number;
  readonly count: number;
  readonly number: number;
  readonly tag: string;
  readonly fingerprint: string;
  readonly body: Uint8Array;
}

/** `K/N` as typed after `--shares`: 2 <= K <= N <= 16. */
export function parseShareSpec(text: string): { threshold: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const threshold = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || threshold < 2 || count < threshold || count > MAX_SHARES) {
    throw new MvError(
      'usage.invalid',
      `--shares must be K/N with 2 <= K <= N <= ${MAX_SHARES}, not "${text}"`,
      {
        hint: 'For example --shares 3/5: five shares, any three of which restore the identity.',
      },
    );
  }
  return { threshold, count };
}

/** The first bytes of SHA-256 of a root public key: ties shares to the identity they restore. */
function fingerprintOf(publicKey: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash('sha256').update(publicKey).digest().subarray(0, FINGERPRINT_BYTES));
}

function shareChecksum(payload: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(SHARE_DOMAIN).update(payload).digest();
  return Uint8Array.from(digest.subarray(0, CHECKSUM_BYTES));
}

/** The printed shares of a split seed: `bodies` from shamir-secret-sharing's `split`, `tag` 4 random bytes. */
export function encodeShares(options: {
  readonly bodies: readonly Uint8Array[];
  readonly threshold: number;
  readonly tag: Uint8Array;
  readonly publicKey: Uint8Array;
}): string[] {
  const { bodies, threshold, tag } = options;
  if (tag.length !== TAG_BYTES || bodies.some((body) => body.length !== SHARE_BODY_BYTES)) {
    throw new MvError('internal.bug', 'A share or its tag has the wrong length (please report)');
  }
  const fingerprint = fingerprintOf(options.publicKey);
  return bodies.map((body, index) => {
    const payload = Uint8Array.from([threshold, bodies.length, index + 1, ...tag, ...fingerprint, ...body]);
    const text = base32Lower(Uint8Array.from([...payload, ...shareChecksum(payload)]));
    return `${SHARE_PREFIX}${text.match(GROUP)?.join('-') ?? ''}`;
  });
}

/** A printed share decoded and checked; `label` names it in errors ("share 2"). */
export function decodeShare(text: string, label: string): RecoveryShare {
  const hint = 'Compare it with the kit character by character (base32: letters a-z and digits 2-7).';
  const compact = text.trim().toLowerCase().replace(/[\s-]/g, '');
  const prefix = SHARE_PREFIX.replace('-', '');
  const bytes = compact.startsWith(prefix) ? base32Decode(compact.slice(prefix.length)) : undefined;
  if (bytes === undefined || compact.length !== prefix.length + SHARE_CHARS) {
    throw badRecovery(
      `${label} is not a Scramble share (${SHARE_PREFIX} and ${SHARE_CHARS} base32 characters)`,
      hint,
    );
  }
  const payload = bytes.subarray(0, SHARE_BYTES - CHECKSUM_BYTES);
  if (Buffer.compare(shareChecksum(payload), bytes.subarray(payload.length)) !== 0) {
    throw badRecovery(`${label} fails its checksum: a character is wrong`, hint);
  }
  const [threshold = 0, count = 0, number = 0] = payload;
  if (threshold < 2 || count < threshold || number < 1 || number > count) {
    throw badRecovery(
      `${label} is damaged: it says it is share ${number} of ${count}, any ${threshold}`,
      hint,
    );
  }
  const hex = (from: number, length: number) =>
    Buffer.from(payload.subarray(from, from + length)).toString('hex');
  return {
    threshold,
    count,
    number,
    tag: hex(3, TAG_BYTES),
    fingerprint: hex(3 + TAG_BYTES, FINGERPRINT_BYTES),
    body: Uint8Array.from(payload.subarray(3 + TAG_BYTES + FINGERPRINT_BYTES)),
  };
}

/** Shares of one split, each given once: refuses a mix of backups and names the share that differs. */
function oneSplit(shares: readonly { share: RecoveryShare; label: string }[]): RecoveryShare[] {
  const [first] = shares;
  if (first === undefined)
    throw badRecovery('No shares were given', 'Give at least as many shares as the kit says.');
  const byNumber = new Map<number, RecoveryShare>();
  for (const { share, label } of shares) {
    if (share.tag !== first.share.tag || share.fingerprint !== first.share.fingerprint) {
      throw badRecovery(
        `${label} belongs to another backup than ${first.label}`,
        'Give shares printed together by one "scramble id backup --shares".',
      );
    }
    const same = byNumber.get(share.number);
    if (same !== undefined && Buffer.compare(same.body, share.body) !== 0) {
      throw badRecovery(
        `${label} is share ${share.number} again, with other contents`,
        'Give each share once.',
      );
    }
    byNumber.set(share.number, share);
  }
  const distinct = [...byNumber.values()];
  if (distinct.length < first.share.threshold) {
    throw badRecovery(
      `${distinct.length} different share${distinct.length === 1 ? '' : 's'} given; this backup needs ${first.share.threshold} of its ${first.share.count}`,
      'Give more shares of the same backup.',
    );
  }
  return distinct;
}

/** The root seed of printed shares (at least K of one split); `scramble.bad-recovery` names what is wrong. */
export async function seedOfShares(
  given: readonly { readonly text: string; readonly label: string }[],
): Promise<Uint8Array> {
  const shares = oneSplit(given.map(({ text, label }) => ({ share: decodeShare(text, label), label })));
  const { combine } = await import('./_recovery-packages.js');
  const seed = await combine(shares.map((share) => share.body));
  if (
    Buffer.from(fingerprintOf(rootKeyFromSeed(seed).publicKey)).toString('hex') !== shares[0]?.fingerprint
  ) {
    throw badRecovery(
      'The shares do not combine to the identity they were made for',
      'One share was altered though its checksum holds: try another set of shares.',
    );
  }
  return seed;
}

// --- The kit as text ----------------------------------------------------------------------------------------

/** What a recovery text holds: a phrase or shares (with their line), and the Scramble ID a comment names. */
export interface RecoveryInput {
  readonly phrase?: string;
  readonly shares?: readonly { readonly text: string; readonly label: string }[];
  readonly scrambleId?: string;
}

const ID_COMMENT = /^#\s*Scramble ID:?\s*([a-z2-7]{56})\s*$/i;
const SHARE_LINE = /^mvshare1[\s-]/i;

/** Reads a kit (or typed words or shares): `#` lines are comments, one of which may name the Scramble ID. */
export function parseRecoveryInput(text: string): RecoveryInput {
  const lines = text.split(/\r?\n/).map((line, index) => ({ line: line.trim(), number: index + 1 }));
  const scrambleId = lines.map(({ line }) => ID_COMMENT.exec(line)?.[1]).find((id) => id !== undefined);
  const content = lines.filter(({ line }) => line !== '' && !line.startsWith('#'));
  const named = scrambleId === undefined ? {} : { scrambleId: scrambleId.toLowerCase() };
  if (!content.some(({ line }) => SHARE_LINE.test(line))) {
    return { phrase: content.map(({ line }) => line).join(' '), ...named };
  }
  const other = content.find(({ line }) => !SHARE_LINE.test(line));
  if (other !== undefined) {
    throw badRecovery(
      `Line ${other.number} is neither a share nor a comment`,
      `Give one share per line (each starts with ${SHARE_PREFIX}); begin other lines with #.`,
    );
  }
  const shares = content.map(({ line, number }, i) => ({
    text: line,
    label: `share ${i + 1} (line ${number})`,
  }));
  return { shares, ...named };
}

/** The root seed a recovery text holds, checked against the Scramble ID its comment names (if any). */
export async function seedOfRecoveryInput(input: RecoveryInput): Promise<Uint8Array> {
  const seed = input.shares
    ? await seedOfShares(input.shares)
    : await seedOfRecoveryPhrase(input.phrase ?? '');
  const restored = rootKeyFromSeed(seed).scrambleId;
  if (input.scrambleId !== undefined && input.scrambleId !== restored) {
    throw badRecovery(
      `The kit says it restores ${input.scrambleId}, but its words give ${restored}`,
      'A word is wrong though the checksum holds, or the comment belongs to another kit: compare with the kit.',
    );
  }
  return seed;
}

/** A printable kit: comments saying what it is, then the phrase (numbered, six words a line) or the shares. */
export function renderRecoveryKit(options: {
  readonly scrambleId: string;
  readonly name: string;
  readonly phrase?: readonly string[];
  readonly shares?: readonly string[];
  readonly threshold?: number;
}): string {
  const header = [
    '# Scramble ID recovery kit. Anyone who reads the lines below can become this identity: keep it offline.',
    `# Scramble ID: ${options.scrambleId}`,
    `# name: ${options.name}`,
    '# Restore with: scramble id restore --from <this file>  (or type the lines when it asks)',
  ];
  if (options.phrase) {
    const numbered = options.phrase.map((word, i) => `${String(i + 1).padStart(2)}. ${word.padEnd(8)}`);
    const lines = Array.from({ length: numbered.length / 6 }, (_, row) =>
      numbered
        .slice(row * 6, row * 6 + 6)
        .join(' ')
        .trimEnd(),
    );
    return [...header, `# recovery phrase: ${numbered.length} BIP-39 English words`, ...lines, ''].join('\n');
  }
  const shares = options.shares ?? [];
  const body = shares.flatMap((share, i) => [
    `# share ${i + 1} of ${shares.length} (any ${options.threshold} restore the identity; give each to someone else)`,
    share,
  ]);
  return [...header, ...body, ''].join('\n');
}
