import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { portalRecord } from '../../../test/support/portal-record.js';
import { type PortalRecord, PortalStore } from './portal-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
const dbFile = () => path.join(dir, `state-${++fileCount}.sqlite`);

// A fractional start time: the store keeps what the clock gave, not a rounded value.
const recordOf = (name: string): Promise<PortalRecord> => portalRecord(name, { startedAt: 1_700_000_000.5 });

/** Opens a store and closes it after the test body, even if the body throws. */
async function withStore<T>(file: string, body: (store: PortalStore) => T | Promise<T>): Promise<T> {
  const store = new PortalStore(file);
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

describe('PortalStore', () => {
  it('round-trips a record through put and get, with its manifest, instance and image', async () => {
    const record = await recordOf('console');
    await withStore(dbFile(), (store) => {
      assert.equal(store.get('console'), undefined);
      store.put(record);
      assert.deepEqual(store.get('console'), record);
    });
  });

  it('lists portals by name', async () => {
    const [b, a] = await Promise.all([recordOf('console-2'), recordOf('console')]);
    await withStore(dbFile(), (store) => {
      assert.deepEqual(store.list(), []);
      store.put(b);
      store.put(a);
      assert.deepEqual(
        store.list().map((r) => r.name),
        ['console', 'console-2'],
      );
    });
  });

  it('returns the new record from update and leaves other fields alone', async () => {
    const record = await recordOf('console');
    await withStore(dbFile(), (store) => {
      store.put(record);
      const ready = store.update('console', {
        state: 'ready',
        pid: 4242,
        pidStart: '98765',
        readyAt: 1_700_000_003,
      });
      assert.deepEqual(ready, {
        ...record,
        state: 'ready',
        pid: 4242,
        pidStart: '98765',
        readyAt: 1_700_000_003,
      });
      assert.deepEqual(store.get('console'), ready);
      const stopped = store.update('console', { state: 'crashed', pid: null, exitReason: 'QEMU exited' });
      assert.equal(stopped.pid, null);
      assert.equal(stopped.exitReason, 'QEMU exited');
      assert.equal(stopped.readyAt, 1_700_000_003);
      assert.deepEqual(store.update('console', {}), stopped, 'an empty patch changes nothing');
    });
  });

  it('refuses to update a portal that is not there', async () => {
    await withStore(dbFile(), (store) => {
      assert.throws(() => store.update('ghost', { state: 'stopped' }), /ghost/);
    });
  });

  it('replaces a record of the same name on put, and deletes rows', async () => {
    const record = await recordOf('console');
    await withStore(dbFile(), (store) => {
      store.put({ ...record, state: 'crashed', exitReason: 'old' });
      store.put(record);
      assert.deepEqual(store.list(), [record]);
      store.delete('console');
      assert.equal(store.get('console'), undefined);
      assert.deepEqual(store.list(), []);
      store.delete('console');
    });
  });

  it('keeps rows across reopening and runs the migrations only once', async () => {
    const record = await recordOf('console');
    const file = dbFile();
    await withStore(file, (store) => store.put(record));
    await withStore(file, (store) => assert.deepEqual(store.get('console'), record));
    await withStore(file, (store) => assert.equal(store.list().length, 1));
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), 2);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('upgrades a database of the first schema: its rows gain restarts 0 and no pending restart', async () => {
    const record = await recordOf('console');
    const file = dbFile();
    await withStore(file, (store) => store.put(record));
    const old = new Database(file);
    try {
      old.exec('ALTER TABLE portals DROP COLUMN restarts; ALTER TABLE portals DROP COLUMN next_restart_at');
      old.pragma('user_version = 1');
    } finally {
      old.close();
    }
    await withStore(file, (store) => {
      assert.deepEqual(store.get('console'), record);
      const restarting = store.update('console', { state: 'restarting', restarts: 2, nextRestartAt: 5 });
      assert.deepEqual([restarting.restarts, restarting.nextRestartAt], [2, 5]);
    });
  });
});
