import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { describeUsage, readShareUsage } from './share-usage.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-share-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readShareUsage', () => {
  it('counts every file below the share and their sizes, but not the folders', async () => {
    const share = path.join(dir, 'full');
    mkdirSync(path.join(share, 'Documents', 'deep'), { recursive: true });
    mkdirSync(path.join(share, 'Downloads'));
    writeFileSync(path.join(share, 'top.txt'), 'x'.repeat(10));
    writeFileSync(path.join(share, 'Documents', 'a.txt'), 'y'.repeat(100));
    writeFileSync(path.join(share, 'Documents', 'deep', 'b.bin'), Buffer.alloc(4096));
    assert.deepEqual(await readShareUsage(share), { files: 3, bytes: 4206 });
  });

  it('finds no data in a share of empty folders, nor in one that does not exist', async () => {
    const share = path.join(dir, 'empty');
    mkdirSync(path.join(share, 'Documents'), { recursive: true });
    mkdirSync(path.join(share, 'Music'));
    assert.deepEqual(await readShareUsage(share), { files: 0, bytes: 0 });
    assert.deepEqual(await readShareUsage(path.join(dir, 'never-created')), { files: 0, bytes: 0 });
  });

  it('counts a symbolic link as itself, never following it out of the share', async () => {
    const outside = path.join(dir, 'outside');
    mkdirSync(path.join(outside, 'secrets'), { recursive: true });
    writeFileSync(path.join(outside, 'big.bin'), Buffer.alloc(1_000_000));
    writeFileSync(path.join(outside, 'secrets', 'key'), 'k'.repeat(50));
    const share = path.join(dir, 'links');
    mkdirSync(share);
    const fileTarget = path.join(outside, 'big.bin');
    const dirTarget = path.join(outside, 'secrets');
    symlinkSync(fileTarget, path.join(share, 'to-file'));
    symlinkSync(dirTarget, path.join(share, 'to-folder'));
    const usage = await readShareUsage(share);
    assert.equal(usage.files, 2, 'two links, nothing behind them');
    assert.equal(usage.bytes, Buffer.byteLength(fileTarget) + Buffer.byteLength(dirTarget));
  });
});

describe('describeUsage', () => {
  it('says how many files and how much, in bytes below 1 KiB and in binary units above', () => {
    assert.equal(describeUsage({ files: 0, bytes: 0 }), '0 files (0 bytes)');
    assert.equal(describeUsage({ files: 3, bytes: 1023 }), '3 files (1023 bytes)');
    assert.equal(describeUsage({ files: 1, bytes: 1024 }), '1 file (1.0 KiB)');
    assert.equal(describeUsage({ files: 3, bytes: 12_288 }), '3 files (12.0 KiB)');
    assert.equal(describeUsage({ files: 7, bytes: 5.5 * 1024 ** 2 }), '7 files (5.5 MiB)');
    assert.equal(describeUsage({ files: 2, bytes: 3 * 1024 ** 3 }), '2 files (3.0 GiB)');
    assert.equal(
      describeUsage({ files: 9, bytes: 2048 * 1024 ** 4 }),
      '9 files (2048.0 TiB)',
      'TiB is the largest unit',
    );
  });
});
