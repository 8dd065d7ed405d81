/**
 * @module Test fixture: a host owner made in memory (a Scramble ID with its certified encryption key, as
 * `portalgun init` registers it) who issues session keys and revocations, for the door's unit tests. Only
 * tests import it. Its randomness is a hash of a label and a counter, so every run makes the same keys.
 */
import { createHash } from 'node:crypto';
import type { Session } from '../../scramble/host/index.js';
import {
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RandomBytes,
  type RevocationRecord,
  rootKeyFromSeed,
  type SessionKey,
  signRevocation,
} from '../../scramble/index.js';
import type { OwnerRecord } from './host-trust.js';

/** The tests' clock: 2026-01-01T00:00:00Z. */
export const TEST_NOW = 1_767_225_600_000;

/** The id of the tests' host: the target their envelopes name. */
export const TEST_HOST_ID = `h${'b'.repeat(26)}`;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How a session key differs from the default one (every permission, valid a day either side of `TEST_NOW`). */
export interface SessionOptions {
  readonly permissions?: readonly string[];
  readonly from?: number;
  readonly lifetimeMs?: number;
}

/** An owner as the tests need one. */
export interface TestOwner {
  /** The record `portalgun init` registers for this owner. */
  readonly record: OwnerRecord;
  /** The default session (key and encryption key), as the CLI holds it: replies open with it. */
  readonly session: Session;
  /** Another session key certified by this owner. */
  sessionKey(options?: SessionOptions): SessionKey;
  /** The owner's revocation of a session key. */
  revoke(kid: string): RevocationRecord;
}

/** An owner whose keys derive from `label`: the same label gives the same owner. */
export function createTestOwner(label: string): TestOwner {
  const random = hashRandom(label);
  const root = rootKeyFromSeed(newRootSeed(random));
  const sessionKey = (options: SessionOptions = {}) =>
    newSessionKey(root, {
      now: options.from ?? TEST_NOW - DAY_MS,
      lifetimeMs: options.lifetimeMs ?? 2 * DAY_MS,
      permissions: options.permissions ?? ['*'],
      random,
    });
  const encryption = newEncryptionKey(root, { now: TEST_NOW - DAY_MS, lifetimeMs: 365 * DAY_MS, random });
  return {
    record: { v: 1, scrambleId: root.scrambleId, encryptionCertificate: encryption.certificate },
    session: { scrambleId: root.scrambleId, signing: sessionKey(), encryption },
    sessionKey,
    revoke: (kid) => signRevocation(root, { kid, now: TEST_NOW - HOUR_MS, reason: 'lost laptop' }),
  };
}

function hashRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) =>
    Uint8Array.from(createHash('sha512').update(`${label}/${counter++}`).digest().subarray(0, length));
}
