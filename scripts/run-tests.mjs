#!/usr/bin/env node
// Runs the test suites with node:test through tsx. Node 20's runner neither expands globs nor fails when it
// is given no files, so this script lists the files itself and refuses to run an empty suite.
//   unit         src/**/*.test.ts: pure code, no VMs, a few seconds
//   integration  test/integration/**/*.test.ts: real tools (qemu, virt-xml-validate, the built CLI)
//   all          both
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const suites = { unit: ['src'], integration: ['test/integration'], all: ['src', 'test/integration'] };
const suite = process.argv[2] ?? 'all';
const roots = suites[suite];
if (!roots) {
  console.error(`usage: run-tests.mjs [${Object.keys(suites).join('|')}] [filter]`);
  process.exit(2);
}
const filter = process.argv[3];
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, withFileTypes: true }).map((e) => ({ e, root })))
  .filter(({ e }) => e.isFile() && e.name.endsWith('.test.ts'))
  .map(({ e }) => path.join(e.parentPath, e.name))
  .filter((file) => !filter || file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files found for suite "${suite}"${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}
console.log(`running ${files.length} test files (${suite})`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
