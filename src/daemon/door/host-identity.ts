/**
 * @module Who this host is and who owns it. The host id (random, made once) is what envelopes name as their
 * target, so an envelope meant for one host is refused by another. The owner (a Scramble ID and its
 * certified encryption key) is registered by `portalgun init` in `owner.json`; without one, the daemon
 * accepts no command at all.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';
import { verifyCertificate } from '../../scramble/index.js';
import { OWNER_SCHEMA, type OwnerRecord } from './host-trust.js';

/** The host id, created on first use: `h` + 26 base32 characters. */
export function readOrCreateHostId(stateRoot: string): string {
  const file = path.join(stateRoot, 'host-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const id = `h${[...randomBytes(26)].map((b) => alphabet[b & 31]).join('')}`;
  writeFileSync(file, `${id}\n`, { mode: 0o644, flag: 'wx' });
  return id;
}

/** The owner record, or `scramble.no-owner` when none is registered. */
export function readOwner(stateRoot: string): OwnerRecord {
  const file = path.join(stateRoot, 'owner.json');
  if (!existsSync(file)) {
    throw new MvError('scramble.no-owner', 'This host has no registered owner, so it accepts no commands', {
      hint: 'Run "portalgun init" (as root) to create your Scramble ID and register it as the owner.',
    });
  }
  const parsed = OWNER_SCHEMA.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new MvError('scramble.no-owner', `${file} is damaged`, {
      hint: 'Register the owner again: portalgun init --force.',
    });
  }
  return parsed.data;
}

/** Registers the owner: their encryption certificate must be signed by their Scramble ID's root key. */
export function registerOwner(
  stateRoot: string,
  request: { scrambleId: string; encryptionCertificate: unknown },
  options: { force: boolean; now: number },
): OwnerRecord {
  verifyCertificate(request.encryptionCertificate as never, {
    owner: request.scrambleId,
    now: options.now,
    type: 'encryption',
  });
  mkdirSync(stateRoot, { recursive: true, mode: 0o755 });
  const file = path.join(stateRoot, 'owner.json');
  if (existsSync(file) && !options.force && readOwner(stateRoot).scrambleId !== request.scrambleId) {
    throw new MvError('scramble.exists', 'This host already has a different owner', {
      hint: 'Use "portalgun init --force" to replace it (the old owner loses all access).',
    });
  }
  const record: OwnerRecord = {
    v: 1,
    scrambleId: request.scrambleId,
    encryptionCertificate: request.encryptionCertificate,
  };
  writeFileAtomicSync(file, `${JSON.stringify(record, null, 2)}\n`, 0o644);
  return record;
}
