/**
 * @module Test fixture: an owner, a session key and the envelopes it signs for agent requests, so the
 * agent's tests run real authentication. Only tests import it; neither the agent nor the host client does,
 * so it stays out of the bundle. It sits outside `guest/` because everything there, tests included, may
 * import `scramble/envelope.ts` alone (see `.dependency-cruiser.cjs`).
 * Pure: no I/O; its randomness is a counter, so every run signs the same bytes.
 */
import {
  draftEnvelope,
  type JsonValue,
  newRootSeed,
  newSessionKey,
  type RandomBytes,
  rootKeyFromSeed,
  type SessionKey,
  signEnvelope,
} from '../scramble/index.js';

/** The tests' clock: 2026-01-01T00:00:00Z, as the fake guest system's. */
export const TEST_NOW = 1_767_225_600_000;

/** The boot identity the tests' agent runs with. */
export const TEST_BOOT = { hostId: `h${'b'.repeat(26)}`, instance: 'work' } as const;

/** How an envelope differs from the default one (`now` = `TEST_NOW`, addressed to `TEST_BOOT.hostId`). */
export interface SignOptions {
  readonly now?: number;
  readonly target?: string;
  readonly lifetimeMs?: number;
}

/** An owner who signs envelopes for agent requests. */
export interface TestSigner {
  /** The owner's Scramble ID. */
  readonly owner: string;
  /** The base64url text of a signed envelope for any daemon method. */
  sign(verb: string, args: JsonValue, options?: SignOptions): string;
  /** The `portal.exec` envelope for agent `verb` with `args` on `TEST_BOOT.instance`. */
  exec(verb: string, args?: readonly string[], options?: SignOptions): string;
}

const DAY_MS = 86_400_000;

/**
 * A signer whose keys derive from `label`: the same label gives the same owner. Its session key is
 * certified for `permissions` (every daemon method and agent verb unless given).
 */
export function createTestSigner(
  label: string,
  permissions: readonly string[] = ['portal.*', 'agent.*'],
): TestSigner {
  const random = counterRandom(label);
  const root = rootKeyFromSeed(newRootSeed(random));
  const session: SessionKey = newSessionKey(root, {
    now: TEST_NOW - DAY_MS,
    lifetimeMs: 365 * DAY_MS,
    permissions,
    random,
  });
  let seq = 0;
  const sign = (verb: string, args: JsonValue, options: SignOptions = {}) => {
    const fields = draftEnvelope(session, {
      target: options.target ?? TEST_BOOT.hostId,
      verb,
      args,
      seq: ++seq,
      now: options.now ?? TEST_NOW,
      random,
      ...(options.lifetimeMs === undefined ? {} : { lifetimeMs: options.lifetimeMs }),
    });
    return Buffer.from(signEnvelope(fields, session)).toString('base64url');
  };
  return {
    owner: root.scrambleId,
    sign,
    exec: (verb, args = [], options = {}) =>
      sign('portal.exec', { name: TEST_BOOT.instance, verb, args: [...args] }, options),
  };
}

/** Bytes that differ on every call (a 4-byte counter) and between labels (the label's bytes after it). */
function counterRandom(label: string): RandomBytes {
  const salt = Buffer.from(label, 'utf8');
  let counter = 0;
  return (length) => {
    const bytes = new Uint8Array(length);
    new DataView(bytes.buffer).setUint32(0, ++counter);
    for (let i = 4; i < length; i += 1) bytes[i] = salt[i % Math.max(salt.length, 1)] ?? i;
    return bytes;
  };
}
