/**
 * @module Scramble key material. The root key is an Ed25519 key whose public half is the Scramble ID; it
 * certifies short-lived session signing keys (Ed25519) and an encryption key (X25519, for HPKE replies), and
 * signs revocations. Private keys live in node:crypto `KeyObject`s; raw private bytes leave only through an
 * explicit `exportSeed()` (for the key file) or, for the X25519 key, the `privateKey` HPKE needs.
 *
 * A certificate is a JSON object `{v: 1, type, issuer, kid, publicKey, notBefore, expires, permissions?, sig}`.
 * `sig` is the root's Ed25519 signature over `"multiverse/scramble-cert/v1\0" + canonical(body)`, where body
 * is every other field and canonical is RFC 8785 JSON. Revocation records use the same scheme with
 * `type: 'revocation'`. Certificates are parsed strictly (exact fields and types) before anything is trusted.
 * Pure: no I/O, no clock, no randomness of its own (both are passed in). Errors never contain key bytes.
 * Over 400 lines because keys and certificates share the private signing and parsing helpers; split the
 * certificate half into its own file if either grows.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import {
  base32Lower,
  decodeBase64Url,
  encodeBase64Url,
  publicKeyOfScrambleId,
  scrambleIdOf,
} from './onion.js';

/** Injected randomness: `n` cryptographically random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** Length of an Ed25519 seed or an X25519 secret. */
export const SEED_BYTES = 32;

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The root identity key: signs certificates and revocations. */
export interface RootKey {
  readonly scrambleId: string;
  readonly publicKey: Uint8Array;
  sign(bytes: Uint8Array): Uint8Array;
  exportSeed(): Uint8Array;
}

/** A session signing key with its certificate from the root. */
export interface SessionKey {
  readonly kid: string;
  readonly publicKey: Uint8Array;
  readonly certificate: Certificate;
  sign(bytes: Uint8Array): Uint8Array;
  exportSeed(): Uint8Array;
}

/** An X25519 encryption key with its certificate; `privateKey` is the raw secret HPKE opens with. */
export interface EncryptionKey {
  readonly kid: string;
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
  readonly certificate: Certificate;
}

/** Options for issuing a certified key; times are milliseconds since the epoch. */
export interface IssueOptions {
  readonly now: number;
  readonly lifetimeMs: number;
  readonly random: RandomBytes;
}

/** `length` bytes from the injected random source, checked: a short answer is a bug, never padded. */
export function randomBytesOf(random: RandomBytes, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new MvError('internal.bug', 'The random source returned the wrong number of bytes (please report)');
  }
  return Uint8Array.from(bytes);
}

function randomSeed(random: RandomBytes): Uint8Array {
  return randomBytesOf(random, SEED_BYTES);
}

function privateKeyOf(prefix: Buffer, seed: Uint8Array, what: string): KeyObject {
  if (seed.length !== SEED_BYTES) {
    throw new MvError('scramble.bad-key-file', `A ${what} has ${SEED_BYTES} bytes, not ${seed.length}`);
  }
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  return Uint8Array.from(
    Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'),
  );
}

function rawPrivateKey(privateKey: KeyObject): Uint8Array {
  return Uint8Array.from(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
}

function signer(privateKey: KeyObject) {
  return (bytes: Uint8Array) => Uint8Array.from(sign(null, bytes, privateKey));
}

/** A fresh 32-byte root seed from the injected random source. */
export function newRootSeed(random: RandomBytes): Uint8Array {
  return randomSeed(random);
}

/** The root key of a 32-byte Ed25519 seed (from `newRootSeed`, `deriveRootSeed` or a key file). */
export function rootKeyFromSeed(seed: Uint8Array): RootKey {
  const privateKey = privateKeyOf(ED25519_PKCS8, seed, 'root seed');
  const publicKey = rawPublicKey(privateKey);
  return Object.freeze({
    scrambleId: scrambleIdOf(publicKey),
    publicKey,
    sign: signer(privateKey),
    exportSeed: () => rawPrivateKey(privateKey),
  });
}

function certify(root: RootKey, publicKey: Uint8Array, fields: { type: CertificateType } & IssueOptions) {
  return {
    v: 1 as const,
    type: fields.type,
    issuer: root.scrambleId,
    kid: kidOf(publicKey),
    publicKey: encodeBase64Url(publicKey),
    notBefore: fields.now,
    expires: fields.now + fields.lifetimeMs,
  };
}

function sessionKey(privateKey: KeyObject, certificate: Certificate): SessionKey {
  return Object.freeze({
    kid: certificate.kid,
    publicKey: rawPublicKey(privateKey),
    certificate,
    sign: signer(privateKey),
    exportSeed: () => rawPrivateKey(privateKey),
  });
}

/** A new session signing key certified by the root for `lifetimeMs` with verb globs `permissions`. */
export function newSessionKey(
  root: RootKey,
  options: IssueOptions & { readonly permissions: readonly string[] },
): SessionKey {
  const privateKey = privateKeyOf(ED25519_PKCS8, randomSeed(options.random), 'session seed');
  const body = certify(root, rawPublicKey(privateKey), { ...options, type: 'session' });
  return sessionKey(privateKey, issue(root, { ...body, permissions: [...options.permissions] }));
}

/** A new X25519 encryption key certified by the root for `lifetimeMs`. */
export function newEncryptionKey(root: RootKey, options: IssueOptions): EncryptionKey {
  const secret = randomSeed(options.random);
  const privateKey = privateKeyOf(X25519_PKCS8, secret, 'encryption secret');
  const certificate = issue(
    root,
    certify(root, rawPublicKey(privateKey), { ...options, type: 'encryption' }),
  );
  return Object.freeze({
    kid: certificate.kid,
    publicKey: rawPublicKey(privateKey),
    privateKey: secret,
    certificate,
  });
}

/** Checks stored key material against its certificate: well formed, signed by its issuer, same public key. */
function loadCertified(privateKey: KeyObject, value: unknown, type: CertificateType): Certificate {
  // The issuer is only read once checkCertificate has found the record well formed.
  const owner = isRecord(value) ? String(value.issuer) : '';
  const { certificate, publicKey } = checkCertificate(value, { owner, type });
  if (Buffer.compare(rawPublicKey(privateKey), publicKey) !== 0) {
    throw new MvError(
      'scramble.bad-key-file',
      `Stored ${type} key does not match its certificate ${certificate.kid}`,
    );
  }
  return certificate;
}

/** A session key from its stored seed and certificate (which must certify that seed's public key). */
export function sessionKeyFromSeed(seed: Uint8Array, certificate: unknown): SessionKey {
  const privateKey = privateKeyOf(ED25519_PKCS8, seed, 'session seed');
  return sessionKey(privateKey, loadCertified(privateKey, certificate, 'session'));
}

/** An encryption key from its stored X25519 secret and certificate (which must certify it). */
export function encryptionKeyFromSecret(secret: Uint8Array, certificate: unknown): EncryptionKey {
  const privateKey = privateKeyOf(X25519_PKCS8, secret, 'encryption secret');
  const parsed = loadCertified(privateKey, certificate, 'encryption');
  return Object.freeze({
    kid: parsed.kid,
    publicKey: rawPublicKey(privateKey),
    privateKey: Uint8Array.from(secret),
    certificate: parsed,
  });
}

/** A revocation of key `kid`, signed by the root; `reason` is free text for people (at most 256 characters). */
export function signRevocation(
  root: RootKey,
  options: { readonly kid: string; readonly now: number; readonly reason: string },
): RevocationRecord {
  const body = {
    v: 1 as const,
    type: 'revocation' as const,
    issuer: root.scrambleId,
    kid: options.kid,
    revokedAt: options.now,
    reason: options.reason,
  };
  const problem = recordProblem(body, false);
  if (problem !== undefined) throw new MvError('usage.invalid', `Cannot sign a revocation: ${problem}`);
  return Object.freeze({ ...body, sig: encodeBase64Url(root.sign(signingInput(body))) });
}

/** Whether an Ed25519 signature by a raw 32-byte public key is valid (false for malformed keys too). */
export function verifyEd25519(
  publicKey: Uint8Array,
  signed: { readonly message: Uint8Array; readonly signature: Uint8Array },
): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64Url(publicKey) },
      format: 'jwk',
    });
    return verify(null, signed.message, key, signed.signature);
  } catch {
    // A key node:crypto cannot import verifies nothing: the answer is simply "not valid".
    return false;
  }
}

// --- Certificates and revocations -------------------------------------------------------------------------

/** What a certificate certifies: a session signing key or an encryption key. */
export type CertificateType = 'session' | 'encryption';

/** A root-signed statement binding a public key to the root's Scramble ID for a time window. */
export interface Certificate {
  readonly v: 1;
  readonly type: CertificateType;
  readonly issuer: string;
  readonly kid: string;
  /** base64url of the raw 32-byte public key. */
  readonly publicKey: string;
  readonly notBefore: number;
  readonly expires: number;
  /** Session certificates only: verb globs such as `portal.*`. */
  readonly permissions?: readonly string[];
  readonly sig: string;
}

/** A root-signed statement that key `kid` must no longer be trusted. */
export interface RevocationRecord {
  readonly v: 1;
  readonly type: 'revocation';
  readonly issuer: string;
  readonly kid: string;
  readonly revokedAt: number;
  readonly reason: string;
  readonly sig: string;
}

const CERT_DOMAIN = 'multiverse/scramble-cert/v1\0';
const ID = /^[a-z2-7]{56}$/;
const KID = /^k[a-z2-7]{24}$/;
const PERMISSION = /^[A-Za-z0-9*][A-Za-z0-9._*:-]{0,127}$/;
const MAX_PERMISSIONS = 64;
const MAX_REASON = 256;
const BODY_FIELDS: Readonly<Record<CertificateType | 'revocation', readonly string[]>> = {
  session: ['v', 'type', 'issuer', 'kid', 'publicKey', 'notBefore', 'expires', 'permissions'],
  encryption: ['v', 'type', 'issuer', 'kid', 'publicKey', 'notBefore', 'expires'],
  revocation: ['v', 'type', 'issuer', 'kid', 'revokedAt', 'reason'],
};

/** The key id of a public key: "k" + the first 24 characters of lowercase base32(SHA-256(publicKey)). */
export function kidOf(publicKey: Uint8Array): string {
  return `k${base32Lower(createHash('sha256').update(publicKey).digest()).slice(0, 24)}`;
}

function signingInput(body: object): Uint8Array {
  return Buffer.from(`${CERT_DOMAIN}${canonicalJson(body)}`, 'utf8');
}

/** Whether a value is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is a time in ms since the epoch (a non-negative safe integer). */
export const isTime = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** Names the missing or unexpected fields of a record, or undefined when it has exactly `expected`. */
export function fieldsProblem(
  record: Record<string, unknown>,
  expected: readonly string[],
): string | undefined {
  // Field names may come from an attacker: quote and shorten them, and name only the first few.
  const names = (fields: string[]) =>
    fields
      .slice(0, 3)
      .map((field) => JSON.stringify(field.slice(0, 32)))
      .join(', ') + (fields.length > 3 ? ', ...' : '');
  const missing = expected.filter((field) => !Object.hasOwn(record, field));
  if (missing.length > 0) return `missing field ${names(missing)}`;
  const extra = Object.keys(record).filter((field) => !expected.includes(field));
  return extra.length > 0 ? `unexpected field ${names(extra)}` : undefined;
}

function permissionsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PERMISSIONS) {
    return `permissions must be a list of 1 to ${MAX_PERMISSIONS} verb patterns`;
  }
  const bad = value.findIndex((item) => typeof item !== 'string' || !PERMISSION.test(item));
  return bad < 0 ? undefined : `permission ${bad + 1} is not a verb pattern`;
}

function keyedProblem(record: Record<string, unknown>): string | undefined {
  if (decodeBase64Url(record.publicKey, 32) === undefined) return 'publicKey is not 32 bytes of base64url';
  if (!isTime(record.notBefore) || !isTime(record.expires)) {
    return 'notBefore and expires must be times in ms';
  }
  if (record.expires < record.notBefore) return 'expires is before notBefore';
  return record.type === 'session' ? permissionsProblem(record.permissions) : undefined;
}

/** Why a certificate or revocation record (with `sig` when `signed`) is malformed, or undefined if it is not. */
function recordProblem(value: unknown, signed: boolean): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  const type = value.type;
  if (type !== 'session' && type !== 'encryption' && type !== 'revocation') return 'unknown type';
  const shape = fieldsProblem(value, signed ? [...BODY_FIELDS[type], 'sig'] : BODY_FIELDS[type]);
  if (shape !== undefined) return shape;
  if (value.v !== 1) return 'version is not 1';
  if (typeof value.issuer !== 'string' || !ID.test(value.issuer)) return 'issuer is not a Scramble ID';
  if (typeof value.kid !== 'string' || !KID.test(value.kid)) return 'kid is malformed';
  if (signed && decodeBase64Url(value.sig, 64) === undefined) return 'sig is not 64 bytes of base64url';
  if (type !== 'revocation') return keyedProblem(value);
  if (!isTime(value.revokedAt)) return 'revokedAt must be a time in ms';
  const reason = value.reason;
  return typeof reason === 'string' && reason.length <= MAX_REASON ? undefined : 'reason is not a short text';
}

function withoutSig(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([field]) => field !== 'sig'));
}

function freezeRecord<T>(record: Record<string, unknown>): T {
  const copy = structuredClone(record);
  if (Array.isArray(copy.permissions)) Object.freeze(copy.permissions);
  return Object.freeze(copy) as T;
}

function issue(root: RootKey, body: Record<string, unknown>): Certificate {
  const problem = recordProblem(body, false);
  if (problem !== undefined) throw new MvError('usage.invalid', `Cannot issue a certificate: ${problem}`);
  return freezeRecord({ ...body, sig: encodeBase64Url(root.sign(signingInput(body))) });
}

function untrusted(message: string): MvError {
  return new MvError('scramble.untrusted', message, { hint: 'Ask the owner for a new certificate' });
}

/** Verifies the root's signature on a parsed record; throws `scramble.untrusted`. */
function checkSignature(record: Record<string, unknown>, owner: string, what: string): void {
  const ownerId = scrambleIdOf(publicKeyOfScrambleId(owner));
  if (record.issuer !== ownerId) {
    throw untrusted(`${what} ${String(record.kid)} was not issued by ${ownerId}`);
  }
  const signed = {
    message: signingInput(withoutSig(record)),
    signature: decodeBase64Url(record.sig, 64) ?? new Uint8Array(0),
  };
  if (!verifyEd25519(publicKeyOfScrambleId(ownerId), signed)) {
    throw untrusted(`${what} ${String(record.kid)} has a bad signature`);
  }
}

/**
 * Checks a certificate's form, type, issuer, kid and signature, but not its validity period; returns the
 * parsed certificate and its public key. Throws `scramble.untrusted`.
 */
export function checkCertificate(
  value: unknown,
  options: { readonly owner: string; readonly type: CertificateType },
): { readonly certificate: Certificate; readonly publicKey: Uint8Array } {
  const problem = recordProblem(value, true);
  if (problem !== undefined) throw untrusted(`Certificate is malformed: ${problem}`);
  const record = value as Record<string, unknown>;
  if (record.type !== options.type) {
    throw untrusted(`Certificate ${record.kid} is not a ${options.type} certificate`);
  }
  const publicKey = decodeBase64Url(record.publicKey, 32) ?? new Uint8Array(0);
  if (kidOf(publicKey) !== record.kid) throw untrusted(`Certificate ${record.kid} names the wrong key id`);
  checkSignature(record, options.owner, 'Certificate');
  return { certificate: freezeRecord(record), publicKey };
}

/** Whether `time` lies within a certificate's validity, allowing `skewMs` of clock difference before it. */
export function certificateCovers(certificate: Certificate, time: number, skewMs = 0): boolean {
  return time + skewMs >= certificate.notBefore && time <= certificate.expires;
}

/** Throws `scramble.expired` unless `notBefore - skewMs <= now <= expires`. */
export function checkCertificateTime(
  certificate: Certificate,
  options: { readonly now: number; readonly skewMs?: number },
): void {
  const { now, skewMs = 0 } = options;
  if (certificateCovers(certificate, now, skewMs)) return;
  if (now > certificate.expires) {
    throw new MvError('scramble.expired', `Certificate ${certificate.kid} has expired`, {
      hint: 'Start a new session to get a fresh certificate',
    });
  }
  if (now + skewMs < certificate.notBefore) {
    throw new MvError(
      'scramble.expired',
      `Certificate ${certificate.kid} is not valid yet (check the clock)`,
    );
  }
}

/** The public key a certificate binds to `owner` if well formed, of `type`, signed and current (else throws). */
export function verifyCertificate(
  value: unknown,
  options: { readonly owner: string; readonly now: number; readonly type: CertificateType },
): Uint8Array {
  const { certificate, publicKey } = checkCertificate(value, options);
  checkCertificateTime(certificate, options);
  return publicKey;
}

/** A revocation record checked to be well formed and signed by `owner`'s root key (throws `scramble.untrusted`). */
export function verifyRevocation(value: unknown, options: { readonly owner: string }): RevocationRecord {
  const problem = recordProblem(value, true);
  if (problem !== undefined) throw untrusted(`Revocation is malformed: ${problem}`);
  const record = value as Record<string, unknown>;
  if (record.type !== 'revocation') throw untrusted('Record is a certificate, not a revocation');
  checkSignature(record, options.owner, 'Revocation of');
  return freezeRecord(record);
}
