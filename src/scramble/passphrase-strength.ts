/**
 * @module How hard a new passphrase is to guess, by zxcvbn-ts (dictionaries of common passwords, English words
 * and names, keyboard patterns, dates, repeats, l33t). Its score is 0-4: 3 means at least 10^8 guesses, 4 at
 * least 10^10. A key-file passphrase needs 3 (the file stays on the user's machine); a passphrase that
 * derives the root needs 4, since anyone with the public ID and its salt may guess offline.
 *
 * The estimator and its dictionaries (several MB) are imported only when a passphrase is checked, so no
 * other command pays for loading them.
 * Pure: no I/O, no clock, no randomness. The passphrase never appears in an error.
 */
import { MvError } from '../errors/index.js';

/** What a passphrase protects, and so how strong it must be. */
export type PassphrasePurpose = 'key-file' | 'derived-root';

/** The zxcvbn score (0-4) each purpose needs. */
export const MIN_SCORE: Readonly<Record<PassphrasePurpose, number>> = Object.freeze({
  'key-file': 3,
  'derived-root': 4,
});

const PURPOSE_TEXT: Readonly<Record<PassphrasePurpose, string>> = {
  'key-file': 'a key-file passphrase',
  'derived-root': 'a passphrase that derives the root key',
};

/** Words any guesser would try first against a Scramble identity, besides the caller's own. */
const CONTEXT_WORDS = ['scramble', 'multiverse', 'portalgun', 'portal', 'passphrase'];

type Estimator = (
  passphrase: string,
  userInputs: string[],
) => {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
};

let estimator: Promise<Estimator> | undefined;

function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const zxcvbn = await import('./_zxcvbn.js');
    const factory = new zxcvbn.ZxcvbnFactory({
      translations: zxcvbn.translations,
      graphs: zxcvbn.adjacencyGraphs,
      dictionary: { ...zxcvbn.commonDictionary, ...zxcvbn.englishDictionary },
    });
    return (passphrase, userInputs) => factory.check(passphrase, userInputs);
  })();
  return estimator;
}

/** The zxcvbn score of a passphrase (0-4), `context` (names, the ID) counting as known words. */
export async function passphraseScore(
  passphrase: string,
  context: readonly string[] = [],
): Promise<{ score: number; advice: string }> {
  const estimate = await loadEstimator();
  const { score, feedback } = estimate(passphrase.normalize('NFC'), [...CONTEXT_WORDS, ...context]);
  const advice = [feedback.warning, ...feedback.suggestions].filter((text) => text).join(' ');
  return { score, advice };
}

/** Throws `scramble.weak-passphrase` unless the passphrase scores what `purpose` needs. */
export async function checkPassphraseStrength(
  passphrase: string,
  options: { readonly purpose: PassphrasePurpose; readonly context?: readonly string[] },
): Promise<void> {
  const needed = MIN_SCORE[options.purpose];
  const { score, advice } = await passphraseScore(passphrase, options.context);
  if (score >= needed) return;
  throw new MvError(
    'scramble.weak-passphrase',
    `The passphrase is too easy to guess for ${PURPOSE_TEXT[options.purpose]} (strength ${score} of 4; it needs ${needed})`,
    {
      hint: `${advice ? `${advice} ` : ''}Four or more unrelated words, not a quotation, work well.`,
    },
  );
}
