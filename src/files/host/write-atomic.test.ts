import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic, writeFileAtomicSync } from './write-atomic.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic file writes', () => {
  it('replace a file whole, with the mode asked for, and leave no temporary file', async () => {
    const file = path.join(dir, 'record.json');
    writeFileAtomicSync(file, 'one\n', 0o600);
    await writeFileAtomic(file, 'two\n', 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'two\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['record.json']);
  });

  it('leave the old file and no temporary one when the write fails', () => {
    const file = path.join(dir, 'kept.json');
    writeFileAtomicSync(file, 'old\n');
    assert.throws(() => writeFileAtomicSync(path.join(dir, 'missing', 'x.json'), 'new\n'), /ENOENT/);
    assert.equal(readFileSync(file, 'utf8'), 'old\n');
    assert.ok(readdirSync(dir).every((name) => !name.endsWith('.tmp')));
  });
});
