import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnProgram } from './spawn-program.js';

const node = (script: string, options: { timeoutMs?: number; maxOutputBytes?: number } = {}) =>
  spawnProgram({
    file: process.execPath,
    args: ['-e', script],
    timeoutMs: options.timeoutMs ?? 10_000,
    maxOutputBytes: options.maxOutputBytes ?? 65_536,
  });

describe('spawnProgram (real processes)', () => {
  it('passes argv without a shell and returns exit code and both outputs', async () => {
    const result = await spawnProgram({
      file: '/bin/echo',
      args: ['$HOME', '; id', '`x`'],
      timeoutMs: 5000,
      maxOutputBytes: 1024,
    });
    assert.deepEqual(result, {
      exitCode: 0,
      signal: null,
      stdout: '$HOME ; id `x`\n',
      stderr: '',
      truncated: false,
      timedOut: false,
    });
    const failed = await node('process.stderr.write("bad"); process.exit(3)');
    assert.deepEqual([failed.exitCode, failed.stderr], [3, 'bad']);
  });

  it('keeps the first bytes of a long output and says it truncated', async () => {
    const result = await node('process.stdout.write("a".repeat(200000))', { maxOutputBytes: 1000 });
    assert.deepEqual([result.stdout, result.truncated, result.exitCode], ['a'.repeat(1000), true, 0]);
  });

  it('kills a program, and what it started, with SIGKILL at the deadline', async () => {
    const script =
      'require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "inherit" });' +
      'setInterval(() => {}, 1000)';
    const result = await node(script, { timeoutMs: 300 });
    assert.deepEqual([result.timedOut, result.signal, result.exitCode], [true, 'SIGKILL', null]);
  });

  it('does not wait for a background child that keeps the output open', async () => {
    const script =
      'require("child_process").spawn("sleep", ["5"], { stdio: "inherit", detached: true }).unref(); console.log("bye")';
    const started = performance.now();
    const result = await node(script);
    assert.deepEqual([result.stdout, result.exitCode, result.timedOut], ['bye\n', 0, false]);
    assert.ok(performance.now() - started < 4000);
  });

  it('rejects when the program cannot be started', async () => {
    await assert.rejects(
      spawnProgram({ file: '/nonexistent/program', args: [], timeoutMs: 1000, maxOutputBytes: 10 }),
      /ENOENT/,
    );
  });
});
