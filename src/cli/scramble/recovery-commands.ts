/**
 * @module `scramble id backup | restore`: the recovery kit. `backup` writes the root seed as 24 BIP-39 words
 * or, with `--shares K/N`, as Shamir shares, to a new 0600 file or to stdout with a warning; `restore` reads
 * a phrase or K shares (a kit file, stdin, or typed) and re-creates identity.json under a new passphrase.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { readOptionFile, readPassphrase } from '../passphrase.js';

interface BackupFlags {
  readonly shares?: string;
  readonly out?: string;
  readonly passphraseFile?: string;
}

interface RestoreFlags {
  readonly from?: string;
  readonly name: string;
  readonly passphraseFile?: string;
}

/** Writes the kit to a file that must not exist yet, readable by the user alone. */
function writeKitFile(file: string, text: string): void {
  try {
    writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    const why =
      code === 'EEXIST' ? 'exists already (a kit never overwrites a file)' : `cannot be written (${code})`;
    throw new MvError('usage.invalid', `--out ${file} ${why}`, {
      hint: 'Name a new file, ideally on a medium that stays offline.',
      cause,
    });
  }
}

/** The recovery text: from --from, piped stdin, or typed at the terminal up to an empty line. */
async function readRecoveryText(from: string | undefined): Promise<string> {
  const hint = 'Give the kit file "scramble id backup" wrote, or type its words or shares.';
  if (from !== undefined) return readOptionFile(from, '--from', hint);
  const lines = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: process.stdin.isTTY,
  });
  if (process.stdin.isTTY) {
    process.stderr.write('Type the 24 words, or the shares one a line; an empty line ends:\n');
  }
  const text: string[] = [];
  for await (const line of lines) {
    if (process.stdin.isTTY && line.trim() === '') break;
    text.push(line);
  }
  lines.close();
  return text.join('\n');
}

async function backup(flags: BackupFlags, command: Command): Promise<void> {
  // Loaded here, not at the top: commands are registered at every start (see ../program.ts).
  const { readIdentity, splitRootSeed, unlockRoot } = await import('../../scramble/host/index.js');
  const { parseShareSpec, recoveryPhraseOf, renderRecoveryKit } = await import('../../scramble/index.js');
  const spec = flags.shares === undefined ? undefined : parseShareSpec(flags.shares);
  const identity = readIdentity();
  const root = await unlockRoot(await readPassphrase({ file: flags.passphraseFile }));
  const { scrambleId, name } = identity;
  const seed = root.exportSeed();
  const content = spec
    ? { threshold: spec.threshold, shares: await splitRootSeed(root, spec) }
    : { phrase: await recoveryPhraseOf(seed) };
  seed.fill(0);
  if (flags.out !== undefined) {
    writeKitFile(flags.out, renderRecoveryKit({ scrambleId, name, ...content }));
    if (globalOptions(command).json) return writeJson({ scrambleId, file: flags.out });
    return writeText(
      `recovery kit of ${scrambleId} written to ${flags.out} (mode 0600): print it, then delete it`,
    );
  }
  process.stderr.write(
    'warning: the recovery kit below IS your root key: print it or write it down, keep it offline, and clear this terminal\n',
  );
  if (globalOptions(command).json) return writeJson({ scrambleId, name, ...content });
  writeText(renderRecoveryKit({ scrambleId, name, ...content }));
}

async function restore(flags: RestoreFlags, command: Command): Promise<void> {
  const { restoreIdentity, scrambleHome } = await import('../../scramble/host/index.js');
  const { parseRecoveryInput, seedOfRecoveryInput } = await import('../../scramble/index.js');
  const home = scrambleHome();
  const seed = await seedOfRecoveryInput(parseRecoveryInput(await readRecoveryText(flags.from)));
  const passphrase = await readPassphrase({
    file: flags.passphraseFile,
    fresh: { purpose: 'key-file', context: [flags.name] },
  });
  const root = await restoreIdentity({ seed, name: flags.name, passphrase, home });
  if (globalOptions(command).json) return writeJson({ scrambleId: root.scrambleId, home });
  writeText(
    `${root.scrambleId}\nrestored into ${home}; next: "scramble session new" for daily keys (and "portalgun init" where this ID owns a host)`,
  );
}

/** Registers `id backup` and `id restore` under the `id` command. */
export function registerRecoveryCommands(id: Command): void {
  id.command('backup')
    .description(
      'Write your recovery kit: the root key as 24 words, or as Shamir shares (needs the passphrase)',
    )
    .option('--shares <K/N>', 'split it into N shares, any K of which restore it (e.g. 3/5)')
    .option('--out <file>', 'write the kit to this new file (mode 0600) instead of stdout')
    .option('--passphrase-file <file>', 'read the passphrase from this file')
    .action(backup);
  id.command('restore')
    .description(
      'Re-create your identity from its recovery phrase or K of its shares, under a new passphrase',
    )
    .option('--from <file>', 'the kit file (else read stdin, or ask)')
    .option('--name <name>', 'a name for the restored identity', 'owner')
    .option('--passphrase-file <file>', 'read the new passphrase from this file')
    .action(restore);
}
