/**
 * @module Getting the passphrase without echoing it or leaving it in shell history: from a file
 * (`--passphrase-file`, first line), from `$SCRAMBLE_PASSPHRASE` (for automation), or typed at a terminal
 * with echo off. Never from a command-line argument, which other users can read in /proc. A new passphrase
 * is checked for strength as soon as it is read, before it is asked for again.
 */
import { readFileSync } from 'node:fs';
import { MvError } from '../errors/index.js';
import type { PassphrasePurpose } from '../scramble/index.js';

/** Shortest passphrase accepted (the KDF is strong, but a short passphrase is still guessable). */
export const MIN_PASSPHRASE = 12;

function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    if (!input.isTTY) {
      reject(
        new MvError('usage.invalid', 'A passphrase is needed and there is no terminal to ask for it', {
          hint: 'Use --passphrase-file <file> or set SCRAMBLE_PASSPHRASE.',
        }),
      );
      return;
    }
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    let typed = '';
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          input.off('data', onData);
          input.setRawMode(false);
          input.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          input.setRawMode(false);
          reject(new MvError('cli.interrupted', 'Interrupted'));
          return;
        }
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
  });
}

const UNREADABLE: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a folder, not a file',
  EACCES: 'cannot be read (permission denied)',
  ENOTDIR: 'is not a file (a part of its path is not a folder)',
};

/** A file named by `option`; a path that is not a readable file is the caller's mistake (exit 2), named. */
export function readOptionFile(file: string, option: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    const why = UNREADABLE[code] ?? `cannot be read (${code || String(cause)})`;
    throw new MvError('usage.invalid', `${option} ${file} ${why}`, { hint, cause });
  }
}

function readPassphraseFile(file: string): string {
  return readOptionFile(
    file,
    '--passphrase-file',
    'Give a file whose first line is the passphrase (mode 0600), or set SCRAMBLE_PASSPHRASE.',
  );
}

function checkLength(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE) {
    throw new MvError('usage.invalid', `The passphrase is shorter than ${MIN_PASSPHRASE} characters`, {
      hint: 'Use a longer passphrase; a few unrelated words work well.',
    });
  }
}

/**
 * The passphrase, from the file, the environment or the terminal. A `fresh` one (a new identity's, or a
 * restored one's) must be strong enough for its purpose, and is typed twice at a terminal.
 */
export async function readPassphrase(options: {
  file?: string | undefined;
  fresh?: { readonly purpose: PassphrasePurpose; readonly context: readonly string[] } | undefined;
}): Promise<string> {
  const typed = !options.file && !process.env.SCRAMBLE_PASSPHRASE;
  const passphrase = options.file
    ? (readPassphraseFile(options.file).split('\n')[0] ?? '').trimEnd()
    : process.env.SCRAMBLE_PASSPHRASE ||
      (await prompt(options.fresh ? 'New Scramble passphrase: ' : 'Scramble passphrase: '));
  checkLength(passphrase);
  if (!options.fresh) return passphrase;
  const { checkPassphraseStrength } = await import('../scramble/index.js');
  await checkPassphraseStrength(passphrase, options.fresh);
  if (typed && (await prompt('Again, to confirm: ')) !== passphrase) {
    throw new MvError('usage.invalid', 'The two passphrases differ', {
      hint: 'Type the same passphrase twice.',
    });
  }
  return passphrase;
}
