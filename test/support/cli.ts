/**
 * @module Runs the built `portalgun` binary (bin/portalgun.js → dist/) the way a user would, and writes
 * throwaway formula trees to temporary folders.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './catalogue.js';

/** What a CLI run printed and how it exited. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run folder no daemon listens in: a test reaches a daemon only through the one it names. */
export const NO_DAEMON_RUN = '/nonexistent/multiverse-test-run';

/**
 * Runs `portalgun <args>` from the repository root with a clean environment (no formula tree named, and a
 * run folder without a daemon, never the machine's own); `env` adds to it; `wrap` runs it through another
 * command (e.g. into a mount namespace, test/support/hidden-folders.ts).
 */
export function portalgun(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    wrap?: (command: readonly string[]) => readonly string[];
  } = {},
): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTALGUN_RUN: NO_DAEMON_RUN };
  delete env.PORTALGUN_FORMULAS;
  delete env.PORTALGUN_DEBUG;
  Object.assign(env, options.env);
  const command = [process.execPath, path.join(REPO_ROOT, 'bin/portalgun.js'), ...args];
  const [bin = process.execPath, ...argv] = options.wrap?.(command) ?? command;
  const result = spawnSync(bin, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes `{ node: yaml }` as a formula tree in a new temporary folder and returns the folder. */
export function writeTree(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mv-formulas-'));
  for (const [node, text] of Object.entries(files)) {
    mkdirSync(path.join(root, node), { recursive: true });
    writeFileSync(path.join(root, node, 'formula.yaml'), text);
  }
  return root;
}

/**
 * A copy of the bundled formula tree in a new temporary folder, plus the formulas a user would add
 * (`{ node: yaml }`, e.g. `extends: application/console` with a field of their own); returns the folder.
 */
export function bundledTreeWith(
  files: Readonly<Record<string, string>>,
  edit?: (root: string) => void,
): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mv-formulas-'));
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  for (const [node, text] of Object.entries(files)) {
    mkdirSync(path.join(root, node), { recursive: true });
    writeFileSync(path.join(root, node, 'formula.yaml'), text);
  }
  edit?.(root);
  return root;
}

/**
 * Follows `portalgun console <portal>` as a user would from a pipe: once it says it is following, types
 * `keys` (which it never passes on), waits `settleMs`, then leaves with Ctrl-C; returns what it printed.
 */
export async function consoleSession(
  run: string,
  portal: string,
  keys: string,
  settleMs = 3_000,
): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/portalgun.js'), '--run', run, 'console', portal],
    {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const following = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('following')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await Promise.race([following, exited]);
  child.stdin.write(keys);
  await sleep(settleMs);
  child.kill('SIGINT');
  const status = await Promise.race([
    exited,
    sleep(10_000).then(() => {
      child.kill();
      return null;
    }),
  ]);
  return { status, stdout, stderr };
}

/** Runs `portalgun shell <portal>` with `input` piped to it, as a script would. */
export function shellSession(run: string, portal: string, input: string, timeoutMs = 120_000): CliResult {
  const result = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/portalgun.js'), '--run', run, 'shell', portal],
    { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: timeoutMs },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
