/**
 * @module Who this host is and who owns it. The host id (random, made once) is what envelopes name as their
 * target, so an envelope meant for one host is refused by another. The host key (Ed25519, random, made
 * once, `host-key` readable by root only) is how a client knows this host answers: it signs replies and
 * audit checkpoints. The owner (a Scramble ID and its
 * certified encryption key) is registered by `portalgun init` in `owner.json`; without one, the daemon
 * accepts no command at all.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';
import { type HostKey, hostKeyFromSeed, verifyCertificate } from '../../scramble/index.js';
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

/**
 * The host key, created on first use. A key file that is not root's alone (or not a seed) is refused: a key
 * others could read proves nothing.
 */
export function readOrCreateHostKey(stateRoot: string): HostKey {
  const file = path.join(stateRoot, 'host-key');
  if (!existsSync(file)) {
    mkdirSync(stateRoot, { recursive: true, mode: 0o755 });
    writeFileSync(file, `${Buffer.from(randomBytes(32)).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }
  const stat = statSync(file);
  const seed = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if ((stat.mode & 0o077) !== 0 || stat.uid !== 0 || seed.length !== 32) {
    throw new MvError('scramble.bad-key-file', `${file} must hold a 32-byte key, owned by root, mode 0600`, {
      hint: `Check who changed it; if it is damaged, remove ${file} and pin the new host key again (portalgun init).`,
    });
  }
  return hostKeyFromSeed(seed);
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
