/**
 * @module The user's Scramble keys on disk, in `$SCRAMBLE_HOME` (default `~/.config/multiverse/scramble`,
 * folder 0700, files 0600): `identity.json` holds the root seed only encrypted with a key from the
 * passphrase; `session.json` holds the daily session signing key and the X25519 encryption key with their
 * root-signed certificates, so everyday commands need no passphrase. Revoking or renewing needs the root.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MvError } from '../../errors/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';
import {
  type Certificate,
  decodeBase64Url,
  decryptRootSeed,
  deriveRootSeed,
  type EncryptionKey,
  encryptionKeyFromSecret,
  encryptRootSeed,
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RootKey,
  type RootKeyFile,
  rootKeyFromSeed,
  type SessionKey,
  sessionKeyFromSeed,
} from '../index.js';

/** Random bytes from the OS. */
export const osRandom = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

/** The folder of the user's Scramble keys. */
export function scrambleHome(): string {
  return (
    process.env.SCRAMBLE_HOME ??
    path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'multiverse', 'scramble')
  );
}

interface IdentityFile {
  readonly v: 1;
  readonly name: string;
  readonly scrambleId: string;
  readonly derivation: 'passphrase' | 'random';
  readonly root: RootKeyFile;
}

interface SessionFile {
  readonly v: 1;
  readonly scrambleId: string;
  readonly session: { readonly seed: string; readonly certificate: Certificate };
  readonly encryption: { readonly secret: string; readonly certificate: Certificate };
}

/** The keys everyday commands use. */
export interface Session {
  readonly scrambleId: string;
  readonly signing: SessionKey;
  readonly encryption: EncryptionKey;
}

function writePrivate(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  writeFileAtomicSync(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

/** The fields a key file must have before anything reads them (the keys are checked when they are loaded). */
const KEY_FILE_SHAPES = {
  identity: z.looseObject({
    v: z.literal(1),
    name: z.string(),
    scrambleId: z.string(),
    derivation: z.enum(['passphrase', 'random']),
    root: z.looseObject({}),
  }),
  session: z.looseObject({
    v: z.literal(1),
    scrambleId: z.string(),
    session: z.looseObject({ seed: z.string(), certificate: z.looseObject({}) }),
    encryption: z.looseObject({ secret: z.string(), certificate: z.looseObject({}) }),
  }),
} as const;

function readJson<T>(file: string, what: string, shape: keyof typeof KEY_FILE_SHAPES): T {
  if (!existsSync(file)) {
    throw new MvError('scramble.no-identity', `No ${what} in ${path.dirname(file)}`, {
      hint: 'Create one with "scramble id new" (or "portalgun init"), then "scramble session new".',
    });
  }
  const damaged = (cause?: unknown) =>
    new MvError('scramble.bad-key-file', `${file} is damaged: it is not a ${what} file`, {
      cause,
      hint: 'Restore it from a backup, or make a new one ("scramble session new"; for the identity, "scramble id new" with the same passphrase).',
    });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw damaged(cause);
  }
  if (!KEY_FILE_SHAPES[shape].safeParse(json).success) throw damaged();
  return json as T;
}

/** A key's bytes from a key file, strictly decoded. */
function keyBytes(file: string, text: string): Uint8Array {
  const bytes = decodeBase64Url(text);
  if (!bytes) {
    throw new MvError('scramble.bad-key-file', `${file} holds a key that is not base64url`, {
      hint: 'Restore it from a backup, or make a new session: scramble session new.',
    });
  }
  return bytes;
}

/** Creates the identity: from a passphrase (re-derivable anywhere) or from a random seed. */
export async function createIdentity(options: {
  name: string;
  passphrase: string;
  random: boolean;
  home?: string;
}): Promise<RootKey> {
  const home = options.home ?? scrambleHome();
  const file = path.join(home, 'identity.json');
  if (existsSync(file)) {
    throw new MvError('scramble.exists', `An identity already exists in ${home}`, {
      hint: 'Use it ("scramble id show"), or point SCRAMBLE_HOME elsewhere.',
    });
  }
  const seed = options.random
    ? newRootSeed(osRandom)
    : await deriveRootSeed(options.passphrase, { name: options.name });
  const root = rootKeyFromSeed(seed);
  const identity: IdentityFile = {
    v: 1,
    name: options.name,
    scrambleId: root.scrambleId,
    derivation: options.random ? 'random' : 'passphrase',
    root: await encryptRootSeed(seed, options.passphrase, { random: osRandom }),
  };
  writePrivate(file, identity);
  return root;
}

/** The public side of the identity (no passphrase needed). */
export function readIdentity(home = scrambleHome()): {
  name: string;
  scrambleId: string;
  derivation: string;
} {
  const identity = readJson<IdentityFile>(path.join(home, 'identity.json'), 'Scramble identity', 'identity');
  return { name: identity.name, scrambleId: identity.scrambleId, derivation: identity.derivation };
}

/** The root key, unlocked with the passphrase. */
export async function unlockRoot(passphrase: string, home = scrambleHome()): Promise<RootKey> {
  const identity = readJson<IdentityFile>(path.join(home, 'identity.json'), 'Scramble identity', 'identity');
  return rootKeyFromSeed(await decryptRootSeed(identity.root, passphrase));
}

/** Issues a new session signing key and encryption key and stores them for daily use. */
export function createSession(
  root: RootKey,
  options: { now: number; lifetimeMs: number; permissions: readonly string[]; home?: string },
): Session {
  const signing = newSessionKey(root, {
    now: options.now,
    lifetimeMs: options.lifetimeMs,
    permissions: [...options.permissions],
    random: osRandom,
  });
  const encryption = newEncryptionKey(root, {
    now: options.now,
    lifetimeMs: options.lifetimeMs,
    random: osRandom,
  });
  const file: SessionFile = {
    v: 1,
    scrambleId: root.scrambleId,
    session: {
      seed: Buffer.from(signing.exportSeed()).toString('base64url'),
      certificate: signing.certificate,
    },
    encryption: {
      secret: Buffer.from(encryption.privateKey).toString('base64url'),
      certificate: encryption.certificate,
    },
  };
  writePrivate(path.join(options.home ?? scrambleHome(), 'session.json'), file);
  return { scrambleId: root.scrambleId, signing, encryption };
}

/** The stored session keys. */
export function loadSession(home = scrambleHome()): Session {
  const where = path.join(home, 'session.json');
  const file = readJson<SessionFile>(where, 'Scramble session', 'session');
  return {
    scrambleId: file.scrambleId,
    signing: sessionKeyFromSeed(keyBytes(where, file.session.seed), file.session.certificate),
    encryption: encryptionKeyFromSecret(keyBytes(where, file.encryption.secret), file.encryption.certificate),
  };
}
