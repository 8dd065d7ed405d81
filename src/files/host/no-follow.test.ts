import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { chownFolderNoFollow, chownTreeNoFollow, openRegularFileNoFollow } from './no-follow.js';

const root = process.getuid?.() === 0;
const work = mkdtempSync(path.join(tmpdir(), 'mv-no-follow-'));
after(() => rmSync(work, { recursive: true, force: true }));
const OTHER = { uid: 12_345, gid: 12_346 };

describe('file operations that follow no link', {
  skip: root ? false : 'needs root to change owners',
}, () => {
  it('re-owns a tree and its links, never what a link points at', async () => {
    const outside = path.join(work, 'outside');
    writeFileSync(outside, 'root only\n', { mode: 0o600 });
    const tree = path.join(work, 'tree');
    mkdirSync(path.join(tree, 'inner'), { recursive: true });
    writeFileSync(path.join(tree, 'inner', 'file'), 'x');
    symlinkSync(outside, path.join(tree, 'inner', 'link'));
    symlinkSync(work, path.join(tree, 'dir-link'));
    await chownTreeNoFollow(tree, OTHER);
    for (const entry of ['', 'inner', 'inner/file', 'inner/link', 'dir-link']) {
      assert.equal(lstatSync(path.join(tree, entry)).uid, OTHER.uid, entry || 'the tree itself');
    }
    assert.equal(statSync(outside).uid, 0, 'the link target stays root’s');
    assert.equal(statSync(work).uid, 0, 'a linked folder is not walked');
  });
  it('refuses a link where a folder or a file is expected', async () => {
    const link = path.join(work, 'folder-link');
    symlinkSync(work, link);
    await assert.rejects(chownFolderNoFollow(link, OTHER), /is a link or not a folder/);
    await assert.rejects(chownTreeNoFollow(link, OTHER), /is a link or not a folder/);
    const fileLink = path.join(work, 'file-link');
    symlinkSync('/etc/hostname', fileLink);
    await assert.rejects(openRegularFileNoFollow(fileLink), /is a link or not a file/);
    assert.equal(await openRegularFileNoFollow(path.join(work, 'missing')), undefined);
  });
});
