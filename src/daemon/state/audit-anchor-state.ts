/**
 * @module The audit log's last checkpoint, kept outside the log in the daemon's SQLite state: at start the
 * daemon refuses a log that no longer holds it at its place (cut back, replaced or deleted behind it).
 * Someone who can rewrite the log as root can rewrite this too; it catches the clumsy and the accidental,
 * while the owner's own remembered head (kept by the CLI, off the host's disk) catches the rest.
 */
import type Database from 'better-sqlite3';
import type { RememberedHead } from '../../audit/index.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, head TEXT NOT NULL, first TEXT NOT NULL);
`;

/** The audit anchor table of the state database. */
export class AuditAnchorState {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /** The last checkpoint recorded: its seq (`count`), its hash (`head`) and the chain's first hash. */
  read(): RememberedHead | undefined {
    return this.db.prepare('SELECT count, head, first FROM audit_anchor WHERE id = 1').get() as
      | RememberedHead
      | undefined;
  }

  /** Records a new last checkpoint. */
  save(anchor: RememberedHead): void {
    this.db
      .prepare(
        'INSERT INTO audit_anchor (id, count, head, first) VALUES (1, ?, ?, ?) ' +
          'ON CONFLICT (id) DO UPDATE SET count = excluded.count, head = excluded.head, first = excluded.first',
      )
      .run(anchor.count, anchor.head, anchor.first);
  }
}
