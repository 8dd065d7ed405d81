import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../errors/index.js';
import { NotReadyError, type ReadyWait, tailLines, waitForReady } from './status-watch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-status-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** A fresh status file (written when `text` is given, absent otherwise). */
function statusFile(text?: string): string {
  const file = path.join(dir, `status-${++fileCount}.out`);
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

const wait = (options: Partial<ReadyWait> & Pick<ReadyWait, 'statusFile'>): Promise<void> =>
  waitForReady({ deadlineMs: 60_000, isAlive: () => true, pollMs: 1, ...options });

const notReady = (kind: string, reason?: string) => (error: unknown) => {
  assert.ok(error instanceof NotReadyError, `a NotReadyError, not ${String(error)}`);
  assert.equal(error.why.kind, kind);
  if (reason !== undefined) assert.deepEqual(error.why, { kind, reason });
  return true;
};

describe('waitForReady', () => {
  it('resolves on a "ready <name>" line that arrives in two writes', async () => {
    const file = statusFile('booting\nrea');
    const lines: string[] = [];
    let polls = 0;
    await wait({
      statusFile: file,
      onLine: (line) => lines.push(line),
      // Called once per poll, after the file was read: the rest of the line arrives after the first read.
      isAlive: () => {
        if (++polls === 1) appendFileSync(file, 'dy console-1\n');
        return true;
      },
    });
    assert.deepEqual(lines, ['booting', 'ready console-1']);
    assert.ok(polls >= 1);
  });

  it('resolves on a bare "ready" line, ignoring blank lines and surrounding spaces', async () => {
    await wait({ statusFile: statusFile('\n\n  ready  \n') });
  });

  it('waits for a status file that does not exist yet', async () => {
    const file = statusFile();
    let polls = 0;
    await wait({
      statusFile: file,
      isAlive: () => {
        if (++polls === 2) writeFileSync(file, 'ready\n');
        return true;
      },
    });
    assert.ok(polls >= 2);
  });

  it('does not take a partial line for a whole one', async () => {
    const file = statusFile('ready');
    await assert.rejects(
      wait({ statusFile: file, isAlive: () => false }),
      notReady('exited'),
      'without its newline "ready" is still being written',
    );
  });

  it('rejects with kind "failed" and the reason on a "failed <reason>" line', async () => {
    const lines: string[] = [];
    await assert.rejects(
      wait({
        statusFile: statusFile('booting\nfailed insmod virtio_blk\nready\n'),
        onLine: (line) => lines.push(line),
      }),
      notReady('failed', 'insmod virtio_blk'),
    );
    assert.deepEqual(lines, ['booting', 'failed insmod virtio_blk'], 'lines after the failure are not read');
  });

  it('rejects with kind "exited" when QEMU is gone', async () => {
    await assert.rejects(
      wait({ statusFile: statusFile('booting\n'), isAlive: () => false }),
      notReady('exited'),
    );
  });

  it('still reports a ready line QEMU wrote just before it exited', async () => {
    await wait({ statusFile: statusFile('ready\n'), isAlive: () => false });
  });

  it('rejects with portal.boot-timeout after the deadline', async () => {
    await assert.rejects(
      wait({ statusFile: statusFile('booting\n'), deadlineMs: 5 }),
      (error: unknown) =>
        error instanceof MvError && error.code === 'portal.boot-timeout' && error.hint !== undefined,
    );
  });

  it('counts the deadline from the last status line, so a guest reporting progress is not cut short', async () => {
    const file = statusFile('booting\n');
    const feeding = (async () => {
      for (let i = 0; i < 6; i++) {
        await sleep(20);
        appendFileSync(file, `tor: bootstrapped ${i * 20}%\n`);
      }
      appendFileSync(file, 'ready\n');
    })();
    await wait({ statusFile: file, deadlineMs: 60 });
    await feeding;
  });

  it('gives up at the overall limit even while the guest reports progress', async () => {
    const file = statusFile('booting\n');
    const timer = setInterval(() => appendFileSync(file, 'still working\n'), 5);
    try {
      await assert.rejects(wait({ statusFile: file, deadlineMs: 50, limitMs: 80 }), (error) => {
        return error instanceof MvError && /did not report ready within 0 s$/.test(error.message);
      });
    } finally {
      clearInterval(timer);
    }
  });

  it('rejects with the abort reason when the signal has already fired', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    await assert.rejects(wait({ statusFile: statusFile('ready\n'), signal: controller.signal }), (error) => {
      assert.equal(error, reason);
      return true;
    });
  });

  it('rejects when the signal fires while it waits', async () => {
    const controller = new AbortController();
    let polls = 0;
    await assert.rejects(
      wait({
        statusFile: statusFile('booting\n'),
        signal: controller.signal,
        pollMs: 60_000,
        isAlive: () => {
          if (++polls === 1) setImmediate(() => controller.abort(new Error('cancelled')));
          return true;
        },
      }),
      (error: unknown) =>
        error instanceof Error && (error.name === 'AbortError' || error.message === 'cancelled'),
    );
  });
});

describe('tailLines', () => {
  it('returns the last non-empty lines, cleaned', async () => {
    const file = path.join(dir, 'console.log');
    writeFileSync(file, 'one\n\ntwo\n\x1b[31mthree\x1b[0m\r\n\nfour\n');
    assert.equal(await tailLines(file, 3), 'two\nthree\nfour');
    assert.equal(await tailLines(file, 10), 'one\ntwo\nthree\nfour');
  });

  it('returns "" for a file that does not exist', async () => {
    assert.equal(await tailLines(path.join(dir, 'missing.log'), 5), '');
  });
});
