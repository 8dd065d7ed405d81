/**
 * @module The owner's revocations, kept in `revocations.json`: each one a record signed by the owner's root
 * key, checked before it is stored. A revoked session key is refused from then on, also after restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../files/host/write-atomic.js';
import { type RevocationRecord, verifyRevocation } from '../scramble/index.js';

function file(stateRoot: string): string {
  return path.join(stateRoot, 'revocations.json');
}

function readAll(stateRoot: string): RevocationRecord[] {
  const where = file(stateRoot);
  return existsSync(where) ? (JSON.parse(readFileSync(where, 'utf8')) as RevocationRecord[]) : [];
}

/** The key ids the owner has revoked. */
export function revokedKids(stateRoot: string, owner: string): Set<string> {
  const kids = new Set<string>();
  for (const record of readAll(stateRoot)) kids.add(verifyRevocation(record, { owner }).kid);
  return kids;
}

/** Verifies a revocation against the owner's root key and stores it; returns the revoked key id. */
export function storeRevocation(stateRoot: string, owner: string, record: unknown): string {
  const { kid } = verifyRevocation(record as RevocationRecord, { owner });
  const records = readAll(stateRoot);
  if (!records.some((r) => verifyRevocation(r, { owner }).kid === kid)) {
    writeFileAtomicSync(file(stateRoot), `${JSON.stringify([...records, record], null, 2)}\n`, 0o600);
  }
  return kid;
}
