import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from '../digest/index.js';
import { draftEnvelope, signEnvelope } from './envelope.js';
import {
  type ImageSignature,
  imageSignatureDigest,
  signImageManifest,
  type VerifyImageSignatureOptions,
  verifyImageSignature,
} from './image-signature.js';
import { newRootSeed, newSessionKey, type RandomBytes, rootKeyFromSeed, verifyEd25519 } from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

function testRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) =>
    Uint8Array.from(createHash('sha512').update(`${label}/${counter++}`).digest().subarray(0, length));
}
const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const root = rootKeyFromSeed(newRootSeed(testRandom('root')));
const stranger = rootKeyFromSeed(newRootSeed(testRandom('stranger')));
const sessionOf = (owner = root, permissions = ['*']) =>
  newSessionKey(owner, {
    now: NOW - HOUR,
    lifetimeMs: DAY,
    permissions,
    random: testRandom(`session-${owner.scrambleId}-${permissions.join()}`),
  });
const session = sessionOf();
const MANIFEST = `sha256:${'ab'.repeat(32)}`;
const OTHER_MANIFEST = `sha256:${'cd'.repeat(32)}`;
const signed = signImageManifest(MANIFEST, session, { now: NOW });
const options = (extra: Partial<VerifyImageSignatureOptions> = {}): VerifyImageSignatureOptions => ({
  owner: root.scrambleId,
  manifestDigest: MANIFEST,
  isRevoked: () => false,
  acceptedAt: NOW,
  ...extra,
});
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
};

describe('signImageManifest / verifyImageSignature', () => {
  it('signs a manifest digest with the session key, naming its certificate and the time', () => {
    assert.deepEqual(Object.keys(signed).sort(), ['cert', 'manifest', 'sig', 'signedAt', 'v']);
    assert.equal(signed.manifest, MANIFEST);
    assert.equal(signed.cert.kid, session.kid);
    assert.deepEqual(verifyImageSignature(signed, options()), { kid: session.kid, signedAt: NOW });
  });

  it('uses its own domain prefix: the signature is over "multiverse/image-signature/v1\\0" + canonical body', () => {
    const { sig, ...body } = signed;
    const message = Buffer.from(`multiverse/image-signature/v1\0${canonicalJson(body)}`, 'utf8');
    assert.ok(
      verifyEd25519(session.publicKey, { message, signature: decodeBase64Url(sig, 64) ?? new Uint8Array() }),
    );
    const envelopePrefixed = Buffer.from(`multiverse/scramble-envelope/v1\0${canonicalJson(body)}`, 'utf8');
    assert.ok(
      !verifyEd25519(session.publicKey, {
        message: envelopePrefixed,
        signature: decodeBase64Url(sig, 64) ?? new Uint8Array(),
      }),
    );
  });

  it('is refused for another manifest (signature-invalid)', () => {
    assert.equal(
      codeOf(() => verifyImageSignature(signed, options({ manifestDigest: OTHER_MANIFEST }))),
      'image.signature-invalid',
    );
  });

  it('is refused when any signed field is changed', () => {
    const tampered: ImageSignature[] = [
      { ...signed, manifest: OTHER_MANIFEST },
      { ...signed, signedAt: NOW - 1 },
    ];
    assert.equal(
      codeOf(() => verifyImageSignature(tampered[0], options({ manifestDigest: OTHER_MANIFEST }))),
      'image.signature-invalid',
    );
    assert.equal(
      codeOf(() => verifyImageSignature(tampered[1], options())),
      'image.signature-invalid',
    );
    const sig = decodeBase64Url(signed.sig, 64) ?? new Uint8Array(64);
    sig[0] = (sig[0] ?? 0) ^ 1;
    assert.equal(
      codeOf(() => verifyImageSignature({ ...signed, sig: encodeBase64Url(sig) }, options())),
      'image.signature-invalid',
    );
  });

  it("is refused when the certificate is swapped for another of the owner's (its key did not sign)", () => {
    const other = sessionOf(root, ['image.*']);
    assert.equal(
      codeOf(() => verifyImageSignature({ ...signed, cert: other.certificate }, options())),
      'image.signature-invalid',
    );
  });

  it('refuses malformed signatures without trusting anything in them', () => {
    for (const bad of [
      null,
      [],
      'x',
      { ...signed, extra: 1 },
      { ...signed, v: 2 },
      { ...signed, manifest: 'sha256:12' },
      { ...signed, sig: 'AA' },
      { ...signed, signedAt: -1 },
    ]) {
      assert.equal(
        codeOf(() => verifyImageSignature(bad, options())),
        'image.signature-invalid',
        JSON.stringify(bad),
      );
    }
  });

  it('refuses a session key of a foreign root (untrusted-signer), even one with a valid signature', () => {
    const foreign = signImageManifest(MANIFEST, sessionOf(stranger), { now: NOW });
    assert.equal(
      codeOf(() => verifyImageSignature(foreign, options())),
      'image.untrusted-signer',
    );
    assert.doesNotThrow(() => verifyImageSignature(foreign, options({ owner: stranger.scrambleId })));
  });

  it('refuses a certificate whose issuer was rewritten to the owner', () => {
    const foreign = signImageManifest(MANIFEST, sessionOf(stranger), { now: NOW });
    const forged = { ...foreign, cert: { ...foreign.cert, issuer: root.scrambleId } };
    assert.equal(
      codeOf(() => verifyImageSignature(forged, options())),
      'image.untrusted-signer',
    );
  });

  it('refuses a revoked session key, whenever it signed', () => {
    const revoked = options({ isRevoked: (kid) => kid === session.kid, acceptedAt: NOW });
    assert.equal(
      codeOf(() => verifyImageSignature(signed, revoked)),
      'image.untrusted-signer',
    );
  });

  it('refuses a session that is not permitted image.sign, and accepts image.* and *', () => {
    const portalOnly = sessionOf(root, ['portal.*']);
    const narrow = signImageManifest(MANIFEST, portalOnly, { now: NOW });
    assert.equal(
      codeOf(() => verifyImageSignature(narrow, options())),
      'image.untrusted-signer',
    );
    const images = signImageManifest(MANIFEST, sessionOf(root, ['image.*']), { now: NOW });
    assert.doesNotThrow(() => verifyImageSignature(images, options()));
  });

  it('stays valid after the certificate expires if it was accepted while the certificate was valid', () => {
    // There is no "now": a later boot passes the time the host first accepted the signature, which was
    // inside the certificate's validity, so the certificate's expiry since then does not matter.
    assert.ok(signed.cert.expires < NOW + 2 * DAY);
    assert.doesNotThrow(() => verifyImageSignature(signed, options({ acceptedAt: NOW + HOUR })));
  });

  it('is refused when first presented after its certificate expired (a leaked old key cannot sign "in the past")', () => {
    const late = options({ acceptedAt: signed.cert.expires + 1 });
    assert.equal(
      codeOf(() => verifyImageSignature(signed, late)),
      'image.untrusted-signer',
    );
  });

  it('is refused when it claims a time outside the certificate or after its acceptance', () => {
    const outside = signImageManifest(MANIFEST, session, { now: session.certificate.expires + HOUR });
    assert.equal(
      codeOf(() => verifyImageSignature(outside, options({ acceptedAt: NOW }))),
      'image.signature-invalid',
    );
    const future = signImageManifest(MANIFEST, session, { now: NOW + HOUR });
    assert.equal(
      codeOf(() => verifyImageSignature(future, options({ acceptedAt: NOW }))),
      'image.signature-invalid',
    );
  });

  it('is never valid as an envelope, nor an envelope signature as an image signature', () => {
    const envelope = signEnvelope(
      draftEnvelope(session, {
        target: 'h',
        verb: 'image.sign',
        args: {},
        seq: 1,
        now: NOW,
        random: testRandom('n'),
      }),
      session,
    );
    const fields = JSON.parse(Buffer.from(envelope).toString('utf8')) as { sig: string };
    assert.equal(
      codeOf(() => verifyImageSignature({ ...signed, sig: fields.sig }, options())),
      'image.signature-invalid',
    );
  });

  it('has one digest per signature', () => {
    assert.equal(imageSignatureDigest(signed), imageSignatureDigest(structuredClone(signed)));
    assert.notEqual(
      imageSignatureDigest(signed),
      imageSignatureDigest(signImageManifest(MANIFEST, session, { now: NOW + 1 })),
    );
  });
});
