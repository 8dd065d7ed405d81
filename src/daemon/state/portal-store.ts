/**
 * @module The daemon's state in SQLite (WAL, synchronous=FULL): one row per portal with its manifest,
 * instance, image and lifecycle. Every transition is written before it is acted on, so a daemon killed at
 * any point finds on restart what it was doing and can finish or undo it.
 */
import Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import type { Manifest } from '../../formula/index.js';
import type { ImageRecord } from '../../image/index.js';
import type { PortalInstance } from '../../instance/index.js';
import type { PortalState } from '../../protocol/index.js';

/** Everything the daemon keeps about one portal. */
export interface PortalRecord {
  readonly name: string;
  readonly node: string;
  readonly formulaHash: string;
  readonly manifest: Manifest;
  readonly instance: PortalInstance;
  readonly image: ImageRecord;
  readonly state: PortalState;
  readonly pid: number | null;
  /** The process start time (field 22 of /proc/<pid>/stat), so a recycled pid is never mistaken for QEMU. */
  readonly pidStart: string | null;
  readonly startedAt: number | null;
  readonly readyAt: number | null;
  readonly stoppedAt: number | null;
  readonly exitReason: string | null;
  /** Restarts in a row the daemon made after exits nobody asked for (the formula's `restart`). */
  readonly restarts: number;
  /** When a portal in state `restarting` is due to start again. */
  readonly nextRestartAt: number | null;
}

/** Fields a transition may change. */
export type PortalPatch = Partial<
  Pick<
    PortalRecord,
    | 'state'
    | 'pid'
    | 'pidStart'
    | 'startedAt'
    | 'readyAt'
    | 'stoppedAt'
    | 'exitReason'
    | 'restarts'
    | 'nextRestartAt'
  >
>;

const MIGRATIONS = [
  `CREATE TABLE portals (
     name TEXT PRIMARY KEY,
     node TEXT NOT NULL,
     formula_hash TEXT NOT NULL,
     manifest TEXT NOT NULL,
     instance TEXT NOT NULL,
     image TEXT NOT NULL,
     state TEXT NOT NULL,
     pid INTEGER,
     pid_start TEXT,
     started_at REAL,
     ready_at REAL,
     stopped_at REAL,
     exit_reason TEXT
   )`,
  `ALTER TABLE portals ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE portals ADD COLUMN next_restart_at REAL`,
];

const COLUMNS: Readonly<Record<keyof PortalPatch, string>> = {
  state: 'state',
  pid: 'pid',
  pidStart: 'pid_start',
  startedAt: 'started_at',
  readyAt: 'ready_at',
  stoppedAt: 'stopped_at',
  exitReason: 'exit_reason',
  restarts: 'restarts',
  nextRestartAt: 'next_restart_at',
};

interface Row {
  name: string;
  node: string;
  formula_hash: string;
  manifest: string;
  instance: string;
  image: string;
  state: PortalState;
  pid: number | null;
  pid_start: string | null;
  started_at: number | null;
  ready_at: number | null;
  stopped_at: number | null;
  exit_reason: string | null;
  restarts: number;
  next_restart_at: number | null;
}

function fromRow(row: Row): PortalRecord {
  return {
    name: row.name,
    node: row.node,
    formulaHash: row.formula_hash,
    manifest: JSON.parse(row.manifest) as Manifest,
    instance: JSON.parse(row.instance) as PortalInstance,
    image: JSON.parse(row.image) as ImageRecord,
    state: row.state,
    pid: row.pid,
    pidStart: row.pid_start,
    startedAt: row.started_at,
    readyAt: row.ready_at,
    stoppedAt: row.stopped_at,
    exitReason: row.exit_reason,
    restarts: row.restarts,
    nextRestartAt: row.next_restart_at,
  };
}

/** The portal table. */
export class PortalStore {
  /** The open state database (shared with the replay store). */
  readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    const version = Number(this.db.pragma('user_version', { simple: true }));
    if (version > MIGRATIONS.length) {
      this.db.close();
      throw new MvError(
        'host.command-failed',
        `The state database ${file} is from a newer portalgun (schema ${version})`,
        {
          hint: 'Run the portalgun version that wrote it; an older one would misread it.',
        },
      );
    }
    this.db.transaction(() => {
      for (const [index, sql] of MIGRATIONS.entries()) if (index >= version) this.db.exec(sql);
      this.db.pragma(`user_version = ${MIGRATIONS.length}`);
    })();
  }

  /** One portal, or undefined. */
  get(name: string): PortalRecord | undefined {
    const row = this.db.prepare('SELECT * FROM portals WHERE name = ?').get(name) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every portal, by name. */
  list(): PortalRecord[] {
    return (this.db.prepare('SELECT * FROM portals ORDER BY name').all() as Row[]).map(fromRow);
  }

  /** Inserts a portal, replacing a stopped or crashed one of the same name. */
  put(record: PortalRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO portals VALUES (@name, @node, @formula_hash, @manifest, @instance, @image, @state, @pid, @pid_start, @started_at, @ready_at, @stopped_at, @exit_reason, @restarts, @next_restart_at)`,
      )
      .run({
        name: record.name,
        node: record.node,
        formula_hash: record.formulaHash,
        manifest: JSON.stringify(record.manifest),
        instance: JSON.stringify(record.instance),
        image: JSON.stringify(record.image),
        state: record.state,
        pid: record.pid,
        pid_start: record.pidStart,
        started_at: record.startedAt,
        ready_at: record.readyAt,
        stopped_at: record.stoppedAt,
        exit_reason: record.exitReason,
        restarts: record.restarts,
        next_restart_at: record.nextRestartAt,
      });
  }

  /** Applies a transition and returns the updated record. */
  update(name: string, patch: PortalPatch): PortalRecord {
    const keys = Object.keys(patch) as (keyof PortalPatch)[];
    if (keys.length > 0) {
      const sets = keys.map((key) => `${COLUMNS[key]} = @${key}`).join(', ');
      this.db.prepare(`UPDATE portals SET ${sets} WHERE name = @name`).run({ ...patch, name });
    }
    const updated = this.get(name);
    if (!updated) throw new Error(`portal ${name} vanished from the state database`);
    return updated;
  }

  /** Removes a portal's row. */
  delete(name: string): void {
    this.db.prepare('DELETE FROM portals WHERE name = ?').run(name);
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
