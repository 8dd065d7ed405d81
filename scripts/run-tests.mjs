#!/usr/bin/env node
// Runs the test suites with node:test through tsx. Node 20's runner neither expands globs nor fails when it
// is given no files, so this script lists the files itself and refuses to run an empty suite.
//   unit         src/**/*.test.ts: pure code, no VMs, a few seconds
//   integration  test/integration/**/*.test.ts: real tools (qemu, virt-xml-validate, the built CLI)
//   all          both
//
// Tests never touch the machine's own Multiverse state. The run gets a fresh, empty HOME (so a test that
// reads ~/.config/multiverse finds nothing and fails) and no PORTALGUN_*/SCRAMBLE_* variables; kernels and
// images the tests build go to a cache of the tests' own ($MULTIVERSE_TEST_CACHE, default .cache/test in
// this checkout); and the machine's /var/lib/multiverse and /run/multiverse are compared before and after
// the run: any change fails it.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MACHINE_STATE = ['/var/lib/multiverse', '/run/multiverse'];
const suites = { unit: ['src'], integration: ['test/integration'], all: ['src', 'test/integration'] };
const suite = process.argv[2] ?? 'all';
const roots = suites[suite];
if (!roots) {
  console.error(`usage: run-tests.mjs [${Object.keys(suites).join('|')}] [filter]`);
  process.exit(2);
}
const filter = process.argv[3];
const files = roots
  .flatMap((root) => readdirSync(path.join(REPO_ROOT, root), { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
  .map((e) => path.relative(REPO_ROOT, path.join(e.parentPath, e.name)))
  .filter((file) => !filter || file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files found for suite "${suite}"${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}

/** Every path under `root` with its size and modification time, or a marker that it does not exist. */
function snapshot(root) {
  if (!existsSync(root)) return [`${root}: absent`];
  const entries = [root, ...readdirSync(root, { recursive: true }).map((e) => path.join(root, String(e)))];
  return entries.sort().map((entry) => {
    try {
      const info = lstatSync(entry);
      return `${entry} ${info.size} ${info.mtimeMs}`;
    } catch {
      return `${entry} vanished`;
    }
  });
}

/** A test environment with nothing of the caller's Multiverse settings in it. */
function isolatedEnv(home, cache) {
  const env = { ...process.env, HOME: home, MULTIVERSE_TEST_CACHE: cache };
  for (const name of Object.keys(env)) {
    if (/^(PORTALGUN_|SCRAMBLE_)/.test(name) || name === 'XDG_CONFIG_HOME') delete env[name];
  }
  return env;
}

const cache = path.resolve(process.env.MULTIVERSE_TEST_CACHE ?? path.join(REPO_ROOT, '.cache/test'));
mkdirSync(cache, { recursive: true, mode: 0o755 });
const home = mkdtempSync('/tmp/mv-test-home-');
const env = isolatedEnv(home, cache);
const before = MACHINE_STATE.flatMap(snapshot);

if (suite !== 'unit') {
  // The kernel every portal boots, in the tests' own store (downloaded once per cache, never installed).
  const kernel = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'dist/src/daemon/main.js'), 'install-kernel', '--state', cache],
    { stdio: ['ignore', 'ignore', 'inherit'], env },
  );
  if (kernel.status !== 0) {
    console.error('could not install the kernel into the test cache (run npm run build first)');
    process.exit(1);
  }
}

console.log(`running ${files.length} test files (${suite}); HOME=${home}, test cache ${cache}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env, cwd: REPO_ROOT },
);
rmSync(home, { recursive: true, force: true });

const after = MACHINE_STATE.flatMap(snapshot);
const changed = [
  ...before.filter((line) => !after.includes(line)),
  ...after.filter((line) => !before.includes(line)),
];
if (changed.length > 0) {
  console.error(
    `the tests changed the machine's own Multiverse state:\n  ${changed.slice(0, 20).join('\n  ')}`,
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
