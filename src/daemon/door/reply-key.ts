/**
 * @module Whom a reply is sealed to: the registered owner's encryption key, while its root-signed
 * certificate is valid and not revoked. Without such a key the host seals nothing and so sends no results at
 * all: the caller gets only a refusal (host-signed, see signed-call.ts) saying which and how to mend it
 * (`portalgun init` registers a fresh key). Sealing to a key derived from the owner's root was the other
 * way; it would make every reply need the passphrase, and an owner without a valid encryption key has a
 * session to renew anyway.
 */
import { MvError } from '../../errors/index.js';
import { type Certificate, verifyCertificate } from '../../scramble/index.js';
import type { HostTrust } from './host-trust.js';

const RENEW_HINT =
  'Register a fresh encryption key: run "portalgun init" as root on this host (it makes a new session). Nothing was run.';

/**
 * The owner's X25519 key to seal replies to, or the refusal that stands in for a reply: `scramble.no-owner`,
 * `scramble.expired` (or not yet valid), `scramble.revoked`, `scramble.untrusted` (a certificate that does
 * not verify, or revocations that cannot be read: fail closed).
 */
export function ownerReplyKey(trust: HostTrust, now: number): Uint8Array {
  const owner = trust.owner();
  const certificate = owner.encryptionCertificate as Certificate;
  let key: Uint8Array;
  try {
    key = verifyCertificate(certificate, { owner: owner.scrambleId, now, type: 'encryption' });
  } catch (error) {
    const code =
      error instanceof MvError && error.code === 'scramble.expired'
        ? 'scramble.expired'
        : 'scramble.untrusted';
    throw new MvError(
      code,
      `This host can seal no reply to its owner: their encryption certificate ${code === 'scramble.expired' ? 'has expired (or is not valid yet)' : 'does not verify'}`,
      { hint: RENEW_HINT, cause: error },
    );
  }
  let revoked: boolean;
  try {
    revoked = trust.revokedKids().has(certificate.kid);
  } catch (error) {
    throw new MvError(
      'scramble.untrusted',
      "This host can seal no reply to its owner: it cannot read the owner's revocations",
      { hint: 'Check revocations.json in the state folder.', cause: error },
    );
  }
  if (revoked) {
    throw new MvError(
      'scramble.revoked',
      `This host can seal no reply to its owner: their encryption key ${certificate.kid} was revoked`,
      { hint: RENEW_HINT },
    );
  }
  return key;
}
