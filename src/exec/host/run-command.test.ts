import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { runCommand } from './run-command.js';

/** Runs a small Node program, so the test needs no other tool on the host. */
const node = (source: string, options: Parameters<typeof runCommand>[2] = {}) =>
  runCommand(process.execPath, ['-e', source], options);

const mvError =
  (code: string, check: (error: MvError) => void = () => undefined) =>
  (error: unknown) => {
    assert.ok(error instanceof MvError, `an MvError, not ${String(error)}`);
    assert.equal(error.code, code);
    check(error);
    return true;
  };

describe('runCommand', () => {
  it('resolves with stdout as bytes and stderr as text on success', async () => {
    const result = await node('process.stdout.write("out\\n"); process.stderr.write("warning\\n")');
    assert.ok(Buffer.isBuffer(result.stdout));
    assert.equal(result.stdout.toString(), 'out\n');
    assert.equal(result.stderr, 'warning\n');
  });

  it('passes arguments as an argv array, never through a shell', async () => {
    const result = await runCommand(process.execPath, [
      '-e',
      'process.stdout.write(JSON.stringify(process.argv.slice(1)))',
      'a b',
      '$(echo hi)',
      ';',
    ]);
    assert.deepEqual(JSON.parse(result.stdout.toString()), ['a b', '$(echo hi)', ';']);
  });

  it('delivers the input on stdin', async () => {
    const input = new TextEncoder().encode('sif / ctime 0\nline two\n');
    const result = await runCommand('cat', [], { input });
    assert.equal(result.stdout.toString(), 'sif / ctime 0\nline two\n');
  });

  it('gives host.missing-tool for a program that is not installed', async () => {
    await assert.rejects(
      runCommand('mv-no-such-program-7f3a', ['--version']),
      mvError('host.missing-tool', (error) => {
        assert.match(error.message, /"mv-no-such-program-7f3a" is not installed/);
        assert.equal(error.hint, 'Run scripts/setup.sh.');
      }),
    );
  });

  it('names the Debian package of a known program in the hint', async () => {
    await assert.rejects(
      runCommand('/nonexistent/qemu-img', ['info']),
      mvError('host.missing-tool', (error) => {
        assert.match(error.message, /"qemu-img"/);
        assert.match(error.hint ?? '', /apt-get install qemu-utils/);
      }),
    );
  });

  it('gives host.command-failed with the exit status and the tail of stderr', async () => {
    const source = 'for (let i = 1; i <= 8; i++) console.error("line " + i); process.exit(3)';
    await assert.rejects(
      node(source),
      mvError('host.command-failed', (error) => {
        assert.match(error.message, /exited with status 3: line 4\nline 5\nline 6\nline 7\nline 8$/);
        assert.doesNotMatch(error.message, /line 3/, 'only the last five lines');
      }),
    );
  });

  it('says which signal killed the program', async () => {
    await assert.rejects(
      node('process.kill(process.pid, "SIGKILL")'),
      mvError('host.command-failed', (error) => assert.match(error.message, /was killed by SIGKILL/)),
    );
  });

  it('gives host.disk-full when the program ran out of space', async () => {
    await assert.rejects(
      node('console.error("mkfs.ext4: No space left on device while writing"); process.exit(1)'),
      mvError('host.disk-full'),
    );
  });

  it('does not fail on EPIPE when the program exits without reading its input', async () => {
    const input = new Uint8Array(4 * 1024 * 1024);
    const result = await node('process.exit(0)', { input });
    assert.equal(result.stdout.length, 0);
  });
});
