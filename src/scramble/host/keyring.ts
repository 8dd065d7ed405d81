/**
 * @module The user's Scramble keys on disk, in `$SCRAMBLE_HOME` (default `~/.config/multiverse/scramble`,
 * folder 0700, files 0600): `identity.json` holds the root seed only encrypted with a key from the
 * passphrase; `session.json` holds the daily session signing key and the X25519 encryption key with their
 * root-signed certificates, so everyday commands need no passphrase. Revoking or renewing needs the root.
 *
 * The root seed is random unless the caller asks for one derived from the passphrase, and then under a
 * random salt of its own (recorded as `rootKdf`, with the costs). A new passphrase must pass the strength
 * estimate first. Either file is refused if its folder or itself lets group or others in, or is not the
 * user's own: keys others can read are spent, and keys others can replace are not the user's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import {
  type Certificate,
  checkPassphraseStrength,
  decodeBase64Url,
  decryptRootSeed,
  deriveRootSeed,
  type EncryptionKey,
  encryptionKeyFromSecret,
  encryptRootSeed,
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RootKdf,
  type RootKey,
  type RootKeyFile,
  rootKdfOf,
  rootKeyFromSeed,
  SALT_BYTES,
  type SessionKey,
  sessionKeyFromSeed,
} from '../index.js';
import { readPrivateJson, writePrivateJson } from './private-file.js';

/** Random bytes from the OS. */
export const osRandom = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

/** The folder of the user's Scramble keys. */
export function scrambleHome(): string {
  return (
    process.env.SCRAMBLE_HOME ??
    path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'multiverse', 'scramble')
  );
}

/** How the root seed came to be: drawn at random, derived from the passphrase, or read from a recovery kit. */
export type RootDerivation = 'random' | 'passphrase' | 'restored';

interface IdentityFile {
  readonly v: 1;
  readonly name: string;
  readonly scrambleId: string;
  readonly derivation: RootDerivation;
  /** Only for a passphrase-derived root: how to derive it again (public, like the ID). */
  readonly rootKdf?: RootKdf;
  readonly root: RootKeyFile;
}

/** The public side of the identity. */
export interface IdentityInfo {
  readonly name: string;
  readonly scrambleId: string;
  readonly derivation: RootDerivation;
  readonly rootKdf?: RootKdf;
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

/** The fields a key file must have before anything reads them (the keys are checked when they are loaded). */
const KEY_FILE_SHAPES = {
  identity: z.looseObject({
    v: z.literal(1),
    name: z.string(),
    scrambleId: z.string(),
    derivation: z.enum(['passphrase', 'random', 'restored']),
    rootKdf: z
      .object({ alg: z.literal('argon2id'), t: z.number(), m: z.number(), p: z.number(), salt: z.string() })
      .optional(),
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
      hint: 'Restore it from a backup, or make a new one: "scramble session new"; for the identity, "scramble id restore" from its recovery kit.',
    });
  return readPrivateJson(file, KEY_FILE_SHAPES[shape], damaged) as T;
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

function identityPath(home: string): string {
  const file = path.join(home, 'identity.json');
  if (existsSync(file)) {
    throw new MvError('scramble.exists', `An identity already exists in ${home}`, {
      hint: 'Use it ("scramble id show"), or point SCRAMBLE_HOME elsewhere.',
    });
  }
  return file;
}

async function writeIdentity(
  file: string,
  seed: Uint8Array,
  fields: { name: string; passphrase: string; derivation: RootDerivation; rootKdf?: RootKdf },
): Promise<RootKey> {
  const root = rootKeyFromSeed(seed);
  const identity: IdentityFile = {
    v: 1,
    name: fields.name,
    scrambleId: root.scrambleId,
    derivation: fields.derivation,
    ...(fields.rootKdf ? { rootKdf: fields.rootKdf } : {}),
    root: await encryptRootSeed(seed, fields.passphrase, { random: osRandom }),
  };
  seed.fill(0);
  writePrivateJson(file, identity);
  return root;
}

/**
 * Creates the identity: a random root seed, or with `derive` one derived from the passphrase (2 GiB
 * Argon2id) under `derive.salt` (to make an existing one again) or a new random salt.
 */
export async function createIdentity(options: {
  name: string;
  passphrase: string;
  derive?: { readonly salt?: Uint8Array | undefined } | undefined;
  home?: string;
}): Promise<RootKey> {
  const file = identityPath(options.home ?? scrambleHome());
  const { name, passphrase, derive } = options;
  await checkPassphraseStrength(passphrase, {
    purpose: derive ? 'derived-root' : 'key-file',
    context: [name],
  });
  if (!derive)
    return await writeIdentity(file, newRootSeed(osRandom), { name, passphrase, derivation: 'random' });
  const salt = derive.salt ?? osRandom(SALT_BYTES);
  const seed = await deriveRootSeed(passphrase, { salt });
  return await writeIdentity(file, seed, {
    name,
    passphrase,
    derivation: 'passphrase',
    rootKdf: rootKdfOf(salt),
  });
}

/** Re-creates the identity from its root seed (read from a recovery kit), under a new passphrase. */
export async function restoreIdentity(options: {
  seed: Uint8Array;
  name: string;
  passphrase: string;
  home?: string;
}): Promise<RootKey> {
  const file = identityPath(options.home ?? scrambleHome());
  await checkPassphraseStrength(options.passphrase, { purpose: 'key-file', context: [options.name] });
  return await writeIdentity(file, Uint8Array.from(options.seed), { ...options, derivation: 'restored' });
}

/** The public side of the identity (no passphrase needed). */
export function readIdentity(home = scrambleHome()): IdentityInfo {
  const identity = readJson<IdentityFile>(path.join(home, 'identity.json'), 'Scramble identity', 'identity');
  const { name, scrambleId, derivation, rootKdf } = identity;
  return { name, scrambleId, derivation, ...(rootKdf ? { rootKdf } : {}) };
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
  writePrivateJson(path.join(options.home ?? scrambleHome(), 'session.json'), file);
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
