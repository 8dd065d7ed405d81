import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ImageManifest } from '../../image/index.js';
import { ImageState } from './image-state.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-image-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function withState<T>(
  body: (state: ImageState, file: string) => T,
  file = path.join(dir, `s-${++files}.db`),
): T {
  const db = new Database(file);
  try {
    return body(new ImageState(db), file);
  } finally {
    db.close();
  }
}

const key = (c: string) => `sha256:${c.repeat(64)}`;
const plan =
  (node: string, imageKey: string) =>
  (version: number): ImageManifest => ({
    schemaVersion: 1,
    node,
    formulaHash: key('f'),
    imageKey,
    backend: 'micro',
    builder: 'test',
    version,
    artifacts: [{ role: 'kernel', digest: key('1'), size: 1 }],
    packages: [],
  });
const record = (state: ImageState, node: string, imageKey: string) =>
  state.record({ node, imageKey }, plan(node, imageKey), 1000);

describe('ImageState', () => {
  it('gives each new image of a node the next version, and the same one again later', () => {
    withState((state) => {
      assert.equal(record(state, 'application/console', key('a')).version, 1);
      assert.equal(record(state, 'application/console', key('b')).version, 2);
      assert.equal(record(state, 'application/other', key('c')).version, 1, 'versions count per node');
      assert.equal(record(state, 'application/console', key('a')).version, 1, 'recorded once');
      assert.equal(state.manifestOfVersion('application/console', 2)?.imageKey, key('b'));
    });
  });

  it('keeps versions, marks and acceptances across reopening', () => {
    const file = path.join(dir, 'reopen.db');
    withState((state) => {
      const manifest = record(state, 'application/console', key('a'));
      state.markBooted(manifest, { now: 5, downgrade: false });
      state.acceptSignature({ digest: key('9'), imageKey: key('a'), kid: 'k1' }, 7);
    }, file);
    withState((state) => {
      assert.equal(record(state, 'application/console', key('b')).version, 2);
      assert.deepEqual(state.bootMark('application/console'), {
        version: 1,
        imageKey: key('a'),
        bootedAt: 5,
      });
      assert.equal(state.acceptedAt(key('9')), 7);
    }, file);
  });

  it('raises the boot mark, never lowers it without an allowance, and uses an allowance up once', () => {
    withState((state) => {
      const v1 = record(state, 'application/console', key('a'));
      const v2 = record(state, 'application/console', key('b'));
      state.markBooted(v2, { now: 1, downgrade: false });
      assert.throws(
        () => state.markBooted(v1, { now: 2, downgrade: false }),
        /version 2 was booted meanwhile/,
        'an older boot that raced a newer one is refused',
      );
      assert.equal(state.bootMark('application/console')?.version, 2);
      assert.equal(state.isDowngradeAllowed('application/console', 1), false);
      state.allowDowngrade('application/console', 1, 'kowner', 3);
      assert.equal(state.isDowngradeAllowed('application/console', 1), true);
      state.markBooted(v1, { now: 4, downgrade: true });
      assert.equal(state.bootMark('application/console')?.version, 1, 'the allowed boot lowers the mark');
      assert.equal(state.isDowngradeAllowed('application/console', 1), false, 'and uses the allowance up');
      assert.throws(
        () => state.markBooted(v1, { now: 5, downgrade: true }),
        /the allowance to boot it was used by another boot/,
        'a second boot racing on the same allowance is refused',
      );
    });
  });

  it('remembers the first acceptance of a signature only', () => {
    withState((state) => {
      const signature = { digest: key('9'), imageKey: key('a'), kid: 'k1' };
      assert.equal(state.acceptedAt(key('9')), undefined);
      assert.equal(state.acceptSignature(signature, 10), 10);
      assert.equal(state.acceptSignature(signature, 20), 10);
    });
  });

  it('tracks the current image of each node', () => {
    withState((state) => {
      state.setCurrent('application/console', key('a'));
      state.setCurrent('application/console', key('b'));
      state.setCurrent('application/other', key('c'));
      assert.deepEqual([...state.currentImages()].sort(), [
        ['application/console', key('b')],
        ['application/other', key('c')],
      ]);
    });
  });
});
