/**
 * @module What the daemon remembers about images, in its SQLite state (the store itself may be shared or
 * restored from elsewhere; these facts are this host's own): the manifest and version it assigned to each
 * image it recorded (kept after the image is removed, so a version is never handed out twice), the image each
 * node last prepared (what `gc` keeps), the highest version booted per node (rollback protection), the
 * downgrades the owner allowed, and when it first accepted each owner signature (certificate expiry).
 */
import type Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import { IMAGE_MANIFEST_SCHEMA, type ImageManifest } from '../../image/index.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS image_manifests (
    image_key TEXT PRIMARY KEY, node TEXT NOT NULL, version INTEGER NOT NULL, manifest TEXT NOT NULL,
    recorded_at REAL NOT NULL, UNIQUE (node, version));
  CREATE TABLE IF NOT EXISTS image_current (node TEXT PRIMARY KEY, image_key TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS image_boots (
    node TEXT PRIMARY KEY, version INTEGER NOT NULL, image_key TEXT NOT NULL, booted_at REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS image_downgrades (
    node TEXT NOT NULL, version INTEGER NOT NULL, kid TEXT NOT NULL, allowed_at REAL NOT NULL,
    PRIMARY KEY (node, version));
  CREATE TABLE IF NOT EXISTS image_signature_acceptances (
    signature_digest TEXT PRIMARY KEY, image_key TEXT NOT NULL, kid TEXT NOT NULL, accepted_at REAL NOT NULL);
`;

/** The highest version of a node this host has booted. */
export interface BootMark {
  readonly version: number;
  readonly imageKey: string;
  readonly bootedAt: number;
}

/** The image tables of the state database. */
export class ImageState {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /** The manifest recorded for an image key, if any. */
  manifestOf(imageKey: string): ImageManifest | undefined {
    const row = this.db.prepare('SELECT manifest FROM image_manifests WHERE image_key = ?').get(imageKey) as
      | { manifest: string }
      | undefined;
    return row ? IMAGE_MANIFEST_SCHEMA.parse(JSON.parse(row.manifest)) : undefined;
  }

  /** When this host first recorded an image (ms since the epoch): its build date as `image ls` shows it. */
  recordedAt(imageKey: string): number | undefined {
    const row = this.db
      .prepare('SELECT recorded_at FROM image_manifests WHERE image_key = ?')
      .get(imageKey) as { recorded_at: number } | undefined;
    return row?.recorded_at;
  }

  /** The manifest that was given this version of a node, if any. */
  manifestOfVersion(node: string, version: number): ImageManifest | undefined {
    const row = this.db
      .prepare('SELECT image_key FROM image_manifests WHERE node = ? AND version = ?')
      .get(node, version) as { image_key: string } | undefined;
    return row ? this.manifestOf(row.image_key) : undefined;
  }

  /**
   * The manifest of an image, recorded on first sight with version = the node's highest version so far + 1
   * (atomically); `plan` makes the manifest for a version.
   */
  record(
    image: { node: string; imageKey: string },
    plan: (version: number) => ImageManifest,
    now: number,
  ): ImageManifest {
    return this.db.transaction(() => {
      const known = this.manifestOf(image.imageKey);
      if (known) return known;
      const highest = this.db
        .prepare('SELECT max(version) AS v FROM image_manifests WHERE node = ?')
        .get(image.node) as { v: number | null };
      const manifest = plan((highest.v ?? 0) + 1);
      this.db
        .prepare('INSERT INTO image_manifests VALUES (?, ?, ?, ?, ?)')
        .run(image.imageKey, image.node, manifest.version, JSON.stringify(manifest), now);
      return manifest;
    })();
  }

  /** Makes an image its node's current one (the one `gc` keeps). */
  setCurrent(node: string, imageKey: string): void {
    this.db.prepare('INSERT OR REPLACE INTO image_current VALUES (?, ?)').run(node, imageKey);
  }

  /** The current image key of every node that has one. */
  currentImages(): Map<string, string> {
    const rows = this.db.prepare('SELECT node, image_key FROM image_current').all() as {
      node: string;
      image_key: string;
    }[];
    return new Map(rows.map((row) => [row.node, row.image_key]));
  }

  /** The highest version of a node booted so far, if any. */
  bootMark(node: string): BootMark | undefined {
    const row = this.db.prepare('SELECT * FROM image_boots WHERE node = ?').get(node) as
      | { version: number; image_key: string; booted_at: number }
      | undefined;
    return row ? { version: row.version, imageKey: row.image_key, bootedAt: row.booted_at } : undefined;
  }

  /** Whether the owner has allowed booting this older version of a node (and not used it yet). */
  isDowngradeAllowed(node: string, version: number): boolean {
    return (
      this.db.prepare('SELECT 1 FROM image_downgrades WHERE node = ? AND version = ?').get(node, version) !==
      undefined
    );
  }

  /** Records the owner's permission to boot an older version of a node once. */
  allowDowngrade(node: string, version: number, kid: string, now: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO image_downgrades VALUES (?, ?, ?, ?)')
      .run(node, version, kid, now);
  }

  /**
   * Records a boot about to happen: raises the node's mark to this version, or, when `downgrade` is set, uses
   * up that allowance and lowers the mark to it (the host has rolled back). One transaction, which checks
   * again what the caller checked before its await: a boot that raced this one and used the allowance, or
   * booted a newer version, makes this one a refused rollback.
   */
  markBooted(manifest: ImageManifest, options: { now: number; downgrade: boolean }): void {
    this.db.transaction(() => {
      const refuse = (why: string) =>
        new MvError('image.rollback', `Image ${manifest.node} version ${manifest.version}: ${why}`, {
          hint: `If you mean to go back, allow it again: portalgun image allow-downgrade ${manifest.node} ${manifest.version}`,
        });
      if (options.downgrade) {
        const used = this.db
          .prepare('DELETE FROM image_downgrades WHERE node = ? AND version = ?')
          .run(manifest.node, manifest.version);
        if (used.changes !== 1) throw refuse('the allowance to boot it was used by another boot');
      }
      const mark = this.bootMark(manifest.node);
      if (mark && mark.version > manifest.version && !options.downgrade) {
        throw refuse(`version ${mark.version} was booted meanwhile`);
      }
      this.db
        .prepare('INSERT OR REPLACE INTO image_boots VALUES (?, ?, ?, ?)')
        .run(manifest.node, manifest.version, manifest.imageKey, options.now);
    })();
  }

  /** When this host first accepted a signature (by its digest), recording `now` if it never had. */
  acceptSignature(signature: { digest: string; imageKey: string; kid: string }, now: number): number {
    this.db
      .prepare('INSERT OR IGNORE INTO image_signature_acceptances VALUES (?, ?, ?, ?)')
      .run(signature.digest, signature.imageKey, signature.kid, now);
    return this.acceptedAt(signature.digest) ?? now;
  }

  /** When this host first accepted a signature, if it ever did. */
  acceptedAt(signatureDigest: string): number | undefined {
    const row = this.db
      .prepare('SELECT accepted_at FROM image_signature_acceptances WHERE signature_digest = ?')
      .get(signatureDigest) as { accepted_at: number } | undefined;
    return row?.accepted_at;
  }
}
