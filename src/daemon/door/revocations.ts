/**
 * @module The owner's revocations, kept in `revocations.json`: each one a record signed by the owner's root
 * key, checked before it is stored. A revoked session key is refused from then on, also after restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';
import { verifyRevocation } from '../../scramble/index.js';
import { revokedKidsIn } from './host-trust.js';

function file(stateRoot: string): string {
  return path.join(stateRoot, 'revocations.json');
}

/** The stored revocation records, unverified; throws `scramble.untrusted` when the list is damaged. */
export function readRevocationRecords(stateRoot: string): unknown[] {
  const where = file(stateRoot);
  if (!existsSync(where)) return [];
  let records: unknown;
  try {
    records = JSON.parse(readFileSync(where, 'utf8'));
  } catch {
    records = undefined;
  }
  if (!Array.isArray(records)) {
    // Fails closed: with the list unreadable, no revoked key may slip through.
    throw new MvError('scramble.untrusted', `The revocation list ${where} is damaged`, {
      hint: 'Restore it from a backup, or revoke the lost keys again (scramble revoke <kid>).',
    });
  }
  return records;
}

/** The key ids the owner has revoked (see `revokedKidsIn`). */
export function revokedKids(stateRoot: string, owner: string): Set<string> {
  return revokedKidsIn(readRevocationRecords(stateRoot), owner);
}

/** Verifies a revocation against the owner's root key and stores it; returns the revoked key id. */
export function storeRevocation(stateRoot: string, owner: string, record: unknown): string {
  const { kid } = verifyRevocation(record, { owner });
  const records = readRevocationRecords(stateRoot);
  if (!revokedKids(stateRoot, owner).has(kid)) {
    writeFileAtomicSync(file(stateRoot), `${JSON.stringify([...records, record], null, 2)}\n`, 0o600);
  }
  return kid;
}
