import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { canonicalJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import {
  type Certificate,
  checkCertificate,
  encryptionKeyFromSecret,
  kidOf,
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RandomBytes,
  rootKeyFromSeed,
  sessionKeyFromSeed,
  signRevocation,
  verifyCertificate,
  verifyEd25519,
  verifyRevocation,
} from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

const rfc8032 = JSON.parse(
  readFileSync(new URL('../../test/vectors/rfc8032-ed25519.json', import.meta.url), 'utf8'),
) as { vectors: { secret: string; public: string; message: string; signature: string }[] };
const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Deterministic stand-in for a CSPRNG: SHA-256 of a label and a counter. */
function testRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) {
      out.set(
        createHash('sha256')
          .update(`${label}/${counter++}`)
          .digest()
          .subarray(0, length - at),
        at,
      );
    }
    return out;
  };
}
const code = (expected: string) => (e: unknown) => e instanceof MvError && e.code === expected;
const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;
const [test1] = rfc8032.vectors;
const root = rootKeyFromSeed(hex(test1?.secret ?? ''));
const other = rootKeyFromSeed(newRootSeed(testRandom('other')));
const session = newSessionKey(root, {
  now: NOW,
  lifetimeMs: HOUR,
  permissions: ['portal.*', 'agent.run'],
  random: testRandom('session'),
});
const resign = (body: Record<string, unknown>) => ({
  ...body,
  sig: encodeBase64Url(root.sign(Buffer.from(`multiverse/scramble-cert/v1\0${canonicalJson(body)}`))),
});
const bodyOf = (certificate: Certificate): Record<string, unknown> => {
  const { sig: _sig, ...body } = certificate;
  return body;
};

describe('rootKeyFromSeed', () => {
  it('gives the RFC 8032 TEST 1 public key, signature and Tor address for its seed', () => {
    assert.equal(toHex(root.publicKey), test1?.public);
    assert.equal(toHex(root.sign(new Uint8Array(0))), test1?.signature);
    assert.equal(root.scrambleId, '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid');
  });

  it('keeps the seed inside: only exportSeed returns it', () => {
    assert.deepEqual(Object.keys(root).sort(), ['exportSeed', 'publicKey', 'scrambleId', 'sign']);
    assert.ok(!JSON.stringify(root).includes(test1?.secret.slice(0, 16) ?? '-'));
    assert.equal(toHex(root.exportSeed()), test1?.secret);
    assert.ok(Object.isFrozen(root));
  });

  it('refuses a seed that is not 32 bytes, and a random source that returns the wrong length', () => {
    assert.throws(() => rootKeyFromSeed(new Uint8Array(31)), code('scramble.bad-key-file'));
    assert.throws(() => newRootSeed(() => new Uint8Array(16)), code('internal.bug'));
    assert.equal(newRootSeed(testRandom('r')).length, 32);
  });
});

describe('session keys and certificates', () => {
  it('certifies the session key with the documented body and signing input', () => {
    const cert = session.certificate;
    assert.deepEqual(Object.keys(cert).sort(), [
      'expires',
      'issuer',
      'kid',
      'notBefore',
      'permissions',
      'publicKey',
      'sig',
      'type',
      'v',
    ]);
    assert.equal(cert.v, 1);
    assert.equal(cert.type, 'session');
    assert.equal(cert.issuer, root.scrambleId);
    assert.equal(cert.notBefore, NOW);
    assert.equal(cert.expires, NOW + HOUR);
    assert.deepEqual(cert.permissions, ['portal.*', 'agent.run']);
    assert.deepEqual(decodeBase64Url(cert.publicKey, 32), session.publicKey);
    assert.match(cert.kid, /^k[a-z2-7]{24}$/);
    assert.equal(cert.kid, kidOf(session.publicKey));
    const input = Buffer.from(`multiverse/scramble-cert/v1\0${canonicalJson(bodyOf(cert))}`, 'utf8');
    assert.ok(
      verifyEd25519(root.publicKey, {
        message: input,
        signature: decodeBase64Url(cert.sig, 64) ?? new Uint8Array(0),
      }),
    );
    assert.ok(Object.isFrozen(cert) && Object.isFrozen(cert.permissions));
  });

  it('computes kid as "k" + 24 base32 characters of SHA-256(publicKey)', () => {
    // Expected values computed with Python's hashlib and base64.b32encode, independently of this code.
    assert.equal(kidOf(new Uint8Array(32)), 'kmzuhvlpymk6xo3epygfy5h4o');
    assert.equal(kidOf(root.publicKey), 'keh7ddx5bksrgcytl7bkai36s');
  });

  it('verifies: returns the session public key within the validity window, boundaries included', () => {
    for (const now of [NOW, NOW + HOUR / 2, NOW + HOUR]) {
      const key = verifyCertificate(session.certificate, { owner: root.scrambleId, now, type: 'session' });
      assert.deepEqual(key, session.publicKey);
    }
    const withSuffix = { owner: `${root.scrambleId}.onion`, now: NOW, type: 'session' as const };
    assert.deepEqual(verifyCertificate(session.certificate, withSuffix), session.publicKey);
  });

  it('reports scramble.expired before notBefore and after expires', () => {
    for (const now of [NOW - 1, NOW + HOUR + 1]) {
      assert.throws(
        () => verifyCertificate(session.certificate, { owner: root.scrambleId, now, type: 'session' }),
        code('scramble.expired'),
      );
    }
  });

  it('reports scramble.untrusted for another owner, another type, tampering and a wrong kid', () => {
    const verify = (cert: unknown, owner = root.scrambleId, type: 'session' | 'encryption' = 'session') =>
      verifyCertificate(cert, { owner, now: NOW, type });
    const body = bodyOf(session.certificate);
    const cases: [string, () => unknown][] = [
      ['other owner', () => verify(session.certificate, other.scrambleId)],
      ['other type', () => verify(session.certificate, root.scrambleId, 'encryption')],
      ['wider permissions', () => verify({ ...session.certificate, permissions: ['*'] })],
      ['longer life', () => verify({ ...session.certificate, expires: NOW + 10 * HOUR })],
      ['swapped key', () => verify({ ...session.certificate, publicKey: encodeBase64Url(other.publicKey) })],
      ['wrong kid, validly signed', () => verify(resign({ ...body, kid: kidOf(other.publicKey) }))],
      [
        'signed by someone else',
        () => verify({ ...session.certificate, sig: encodeBase64Url(other.sign(Buffer.from('x'))) }),
      ],
    ];
    for (const [name, run] of cases) assert.throws(run, code('scramble.untrusted'), name);
  });

  it('reports scramble.untrusted for malformed certificates, naming no key material', () => {
    const cert = session.certificate as unknown as Record<string, unknown>;
    const malformed: unknown[] = [
      null,
      [],
      'cert',
      { ...cert, extra: 1 },
      { ...cert, v: 2 },
      { ...cert, permissions: [] },
      { ...cert, permissions: ['no spaces allowed'] },
      { ...cert, notBefore: NOW + 0.5 },
      { ...cert, expires: NOW - 1 },
      { ...cert, publicKey: `${cert.publicKey}=` },
      { ...cert, sig: String(cert.sig).slice(2) },
      { ...cert, issuer: root.scrambleId.toUpperCase() },
      Object.fromEntries(Object.entries(cert).filter(([key]) => key !== 'kid')),
    ];
    for (const value of malformed) {
      assert.throws(
        () => verifyCertificate(value, { owner: root.scrambleId, now: NOW, type: 'session' }),
        (e: unknown) => code('scramble.untrusted')(e) && !(e as Error).message.includes(String(cert.sig)),
        JSON.stringify(value)?.slice(0, 80),
      );
    }
  });

  it('checkCertificate ignores time; the session key signs what the certificate certifies', () => {
    const checked = checkCertificate(session.certificate, { owner: root.scrambleId, type: 'session' });
    assert.deepEqual(checked.publicKey, session.publicKey);
    const message = Buffer.from('hello');
    assert.ok(verifyEd25519(checked.publicKey, { message, signature: session.sign(message) }));
    assert.ok(
      !verifyEd25519(checked.publicKey, { message: Buffer.from('hellO'), signature: session.sign(message) }),
    );
    assert.ok(!verifyEd25519(new Uint8Array(5), { message, signature: session.sign(message) }));
  });

  it('reloads from the exported seed and the stored certificate', () => {
    const stored = JSON.parse(JSON.stringify(session.certificate)) as unknown;
    const again = sessionKeyFromSeed(session.exportSeed(), stored);
    assert.equal(again.kid, session.kid);
    assert.deepEqual(again.publicKey, session.publicKey);
    assert.deepEqual(again.sign(Buffer.from('x')), session.sign(Buffer.from('x')));
  });

  it('refuses a stored seed that its certificate does not certify, or a tampered certificate', () => {
    const otherSeed = newRootSeed(testRandom('x'));
    assert.throws(() => sessionKeyFromSeed(otherSeed, session.certificate), code('scramble.bad-key-file'));
    const tampered = { ...session.certificate, permissions: ['*'] };
    assert.throws(() => sessionKeyFromSeed(session.exportSeed(), tampered), code('scramble.untrusted'));
  });

  it('refuses to issue permissions that are not verb patterns', () => {
    const random = testRandom('p');
    for (const permissions of [[], ['has space'], ['.leading-dot']]) {
      assert.throws(
        () => newSessionKey(root, { now: NOW, lifetimeMs: HOUR, permissions, random }),
        code('usage.invalid'),
      );
    }
  });
});

describe('encryption keys', () => {
  // RFC 7748 §6.1: Alice's X25519 private key and public key.
  const alice = {
    secret: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    public: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  };
  const encryption = newEncryptionKey(root, {
    now: NOW,
    lifetimeMs: 24 * HOUR,
    random: () => hex(alice.secret),
  });

  it('derives the X25519 public key of RFC 7748 §6.1 and certifies it without permissions', () => {
    assert.equal(toHex(encryption.publicKey), alice.public);
    assert.equal(toHex(encryption.privateKey), alice.secret);
    assert.equal(encryption.certificate.type, 'encryption');
    assert.equal(encryption.certificate.permissions, undefined);
    const key = verifyCertificate(encryption.certificate, {
      owner: root.scrambleId,
      now: NOW,
      type: 'encryption',
    });
    assert.equal(toHex(key), alice.public);
  });

  it('reloads from its secret and refuses a mismatched one or a session certificate', () => {
    const again = encryptionKeyFromSecret(hex(alice.secret), encryption.certificate);
    assert.equal(toHex(again.publicKey), alice.public);
    assert.equal(again.kid, encryption.kid);
    assert.throws(
      () => encryptionKeyFromSecret(new Uint8Array(32).fill(9), encryption.certificate),
      code('scramble.bad-key-file'),
    );
    assert.throws(
      () => encryptionKeyFromSecret(hex(alice.secret), session.certificate),
      code('scramble.untrusted'),
    );
  });
});

describe('revocations', () => {
  const record = signRevocation(root, { kid: session.kid, now: NOW + 5, reason: 'laptop lost' });

  it('are signed by the root over the certificate domain and verify for the owner', () => {
    assert.deepEqual(
      verifyRevocation(JSON.parse(JSON.stringify(record)), { owner: root.scrambleId }),
      record,
    );
    const { sig, ...body } = record;
    const input = Buffer.from(`multiverse/scramble-cert/v1\0${canonicalJson(body)}`);
    assert.ok(
      verifyEd25519(root.publicKey, {
        message: input,
        signature: decodeBase64Url(sig, 64) ?? new Uint8Array(0),
      }),
    );
    assert.equal(body.revokedAt, NOW + 5);
  });

  it('reject another owner, tampering, a certificate in disguise and malformed records', () => {
    const cases: unknown[] = [
      { ...record, reason: 'no reason' },
      { ...record, kid: kidOf(other.publicKey) },
      session.certificate,
      { ...record, reason: 'x'.repeat(300) },
      { ...record, extra: true },
    ];
    for (const value of cases) {
      assert.throws(() => verifyRevocation(value, { owner: root.scrambleId }), code('scramble.untrusted'));
    }
    assert.throws(() => verifyRevocation(record, { owner: other.scrambleId }), code('scramble.untrusted'));
  });

  it('refuse to sign a malformed kid', () => {
    assert.throws(() => signRevocation(root, { kid: 'nope', now: NOW, reason: '' }), code('usage.invalid'));
  });
});
