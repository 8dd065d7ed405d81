/**
 * @module A host's own Ed25519 key: how a client knows which machine answers. Each daemon has one (made at
 * first start, kept root-only); the owner pins its fingerprint on `portalgun init` (trust on first use, as
 * SSH's known_hosts), and the host signs what it says with it: replies (inside the seal) and audit
 * checkpoints. Every signature is over a domain string naming what is signed, so a signature made for one
 * purpose never verifies as another.
 * Pure: the seed is passed in.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { MvError } from '../errors/index.js';
import { verifyEd25519 } from './keys.js';

/** What a host signs: each purpose has its own domain. */
export type HostSignatureDomain = 'reply' | 'audit-checkpoint';

/** The host's signing key. */
export interface HostKey {
  readonly publicKey: Uint8Array;
  /** `SHA256:` + unpadded base64 of SHA-256(public key): what the owner compares, as SSH shows host keys. */
  readonly fingerprint: string;
  sign(domain: HostSignatureDomain, message: Uint8Array): Uint8Array;
}

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Length of a host key seed. */
export const HOST_KEY_SEED_BYTES = 32;

/** The fingerprint of a host's public key. */
export function hostKeyFingerprint(publicKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}

function signingInput(domain: HostSignatureDomain, message: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`multiverse/host-${domain}/v1\0`, 'utf8'), message]);
}

/** The host key of a 32-byte seed. */
export function hostKeyFromSeed(seed: Uint8Array): HostKey {
  if (seed.length !== HOST_KEY_SEED_BYTES) {
    throw new MvError(
      'scramble.bad-key-file',
      `A host key seed has ${HOST_KEY_SEED_BYTES} bytes, not ${seed.length}`,
    );
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Uint8Array.from(
    Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
  return Object.freeze({
    publicKey,
    fingerprint: hostKeyFingerprint(publicKey),
    sign: (domain: HostSignatureDomain, message: Uint8Array) =>
      Uint8Array.from(sign(null, signingInput(domain, message), privateKey)),
  });
}

/** Whether `signature` is the host key `publicKey`'s signature of `message` for `domain`. */
export function verifyHostSignature(
  publicKey: Uint8Array,
  domain: HostSignatureDomain,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyEd25519(publicKey, { message: signingInput(domain, message), signature });
}
