/**
 * @module Commands as signed envelopes. An envelope is the UTF-8 RFC 8785 (canonical) JSON of
 * `{v: 1, id, kid, cert, target, verb, args, nonce, iat, exp, seq, sig}`: `cert` is the session certificate,
 * `nonce` 16 random bytes in base64url, `iat`/`exp` milliseconds since the epoch, `seq` a positive integer, and
 * `sig` the session key's Ed25519 signature over `"multiverse/scramble-envelope/v1\0" + canonical(fields)`.
 * Only the canonical bytes verify, so each envelope has exactly one byte string (and one digest).
 *
 * `verifyEnvelope` checks, in this order and each with its own code: size, decoding, version, certificate
 * chain to the owner, revocation, signature, expiry and clock skew, permission, target. Replay protection and
 * policy need state and are the caller's. The reason codes are for the audit log; callers show `auth.denied`.
 * Pure: no I/O; the clock, randomness and revocation list are passed in. Errors never quote bodies or sigs.
 */
import { canonicalJson, type JsonValue, sha256Hex } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import {
  type Certificate,
  checkCertificate,
  checkCertificateTime,
  fieldsProblem,
  isRecord,
  isTime,
  type RandomBytes,
  type SessionKey,
  verifyEd25519,
} from './keys.js';
import { decodeBase64Url, encodeBase64Url, publicKeyOfScrambleId, scrambleIdOf } from './onion.js';

export type { JsonValue };

/** The signed fields of an envelope (everything but `sig`). */
export interface EnvelopeFields {
  readonly v: 1;
  readonly id: string;
  readonly kid: string;
  readonly cert: Certificate;
  readonly target: string;
  readonly verb: string;
  readonly args: JsonValue;
  readonly nonce: string;
  readonly iat: number;
  readonly exp: number;
  readonly seq: number;
}

/** Limits `verifyEnvelope` applies unless told otherwise. */
export const ENVELOPE_DEFAULTS = Object.freeze({
  maxBytes: 65_536,
  maxSkewMs: 30_000,
  maxLifetimeMs: 300_000,
});

/** What `verifyEnvelope` needs from the executor: whose it is, the time, its names and revocations. */
export interface VerifyEnvelopeOptions {
  readonly owner: string;
  readonly now: number;
  readonly targets: readonly string[];
  readonly isRevoked: (kid: string) => boolean;
  readonly maxBytes?: number;
  readonly maxSkewMs?: number;
  readonly maxLifetimeMs?: number;
}

const DOMAIN = 'multiverse/scramble-envelope/v1\0';
const NONCE_BYTES = 16;
const FIELDS = ['v', 'id', 'kid', 'cert', 'target', 'verb', 'args', 'nonce', 'iat', 'exp', 'seq', 'sig'];
const ID = /^[a-z2-7]{56}$/;
const KID = /^k[a-z2-7]{24}$/;
const VERB = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TARGET = /^[!-~]{1,256}$/;

function signingInput(fields: EnvelopeFields): Uint8Array {
  return Buffer.from(`${DOMAIN}${canonicalJson(fields)}`, 'utf8');
}

/** Why a parsed envelope record is malformed, or undefined if every field has the right type. */
function fieldProblem(record: Record<string, unknown>): string | undefined {
  const shape = fieldsProblem(record, FIELDS);
  if (shape !== undefined) return shape;
  if (!Number.isSafeInteger(record.v)) return 'v is not an integer';
  if (typeof record.id !== 'string' || !ID.test(record.id)) return 'id is not a Scramble ID';
  if (typeof record.kid !== 'string' || !KID.test(record.kid)) return 'kid is malformed';
  if (!isRecord(record.cert)) return 'cert is not an object';
  if (typeof record.target !== 'string' || !TARGET.test(record.target)) return 'target is not a name';
  if (typeof record.verb !== 'string' || !VERB.test(record.verb)) return 'verb is not a verb name';
  if (decodeBase64Url(record.nonce, NONCE_BYTES) === undefined) return 'nonce is not 16 bytes of base64url';
  if (!isTime(record.iat) || !isTime(record.exp)) return 'iat and exp must be times in ms';
  if (!Number.isSafeInteger(record.seq) || (record.seq as number) < 1) return 'seq is not a positive integer';
  return decodeBase64Url(record.sig, 64) === undefined ? 'sig is not 64 bytes of base64url' : undefined;
}

// No `cause`: parser errors quote the input, and envelope bodies stay out of messages and logs.
function decodeError(problem: string): MvError {
  return new MvError('scramble.decode', `Envelope cannot be decoded: ${problem}`);
}

/** Parses envelope bytes into fields and signature; throws `scramble.decode`. */
function decodeEnvelope(bytes: Uint8Array): { fields: EnvelopeFields; sig: Uint8Array } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw decodeError('it is not UTF-8 JSON');
  }
  if (!isRecord(value)) throw decodeError('it is not a JSON object');
  const problem = fieldProblem(value);
  if (problem !== undefined) throw decodeError(problem);
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch {
    // RFC 8785 has no form for a string with a lone surrogate; the canonicaliser refuses it.
    throw decodeError('it has no canonical (RFC 8785) form');
  }
  if (Buffer.compare(Buffer.from(canonical, 'utf8'), bytes) !== 0) {
    throw decodeError('it is not in canonical (RFC 8785) form');
  }
  const { sig, ...fields } = value;
  return { fields: fields as unknown as EnvelopeFields, sig: decodeBase64Url(sig, 64) ?? new Uint8Array(0) };
}

/** Fields for a new envelope from a session key: fresh nonce, `iat = now`, `exp = now + lifetimeMs` (60 s). */
export function draftEnvelope(
  sessionKey: SessionKey,
  options: {
    readonly target: string;
    readonly verb: string;
    readonly args: JsonValue;
    readonly seq: number;
    readonly now: number;
    readonly random: RandomBytes;
    readonly lifetimeMs?: number;
  },
): EnvelopeFields {
  const { target, verb, args, seq, now } = options;
  const nonce = encodeBase64Url(options.random(NONCE_BYTES));
  const cert = sessionKey.certificate;
  const exp = now + (options.lifetimeMs ?? 60_000);
  return { v: 1, id: cert.issuer, kid: cert.kid, cert, target, verb, args, nonce, iat: now, exp, seq };
}

/** The wire bytes of an envelope signed by the session key its `kid` and `cert` name. */
export function signEnvelope(fields: EnvelopeFields, sessionKey: SessionKey): Uint8Array {
  const cert = sessionKey.certificate;
  if (
    fields.kid !== sessionKey.kid ||
    canonicalJson(fields.cert) !== canonicalJson(cert) ||
    fields.id !== cert.issuer
  ) {
    throw new MvError(
      'usage.invalid',
      `Envelope fields do not name session key ${sessionKey.kid} and its owner`,
    );
  }
  const sig = encodeBase64Url(sessionKey.sign(signingInput(fields)));
  const bytes = Buffer.from(canonicalJson({ ...fields, sig }), 'utf8');
  try {
    decodeEnvelope(bytes);
  } catch (error) {
    // Never hand out bytes the verifier would refuse: report the field at fault instead.
    const message = error instanceof Error ? error.message : String(error);
    throw new MvError('usage.invalid', `Cannot sign: ${message}`, { cause: error });
  }
  return Uint8Array.from(bytes);
}

/**
 * Whether `text` matches a glob where `*` stands for any run of characters (dots included) and every other
 * character only itself: permission globs here, verb and target patterns in policy files. A linear scan with
 * one backtrack point, never a regular expression, so a hostile pattern cannot make matching slow.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  // Where the last `*` was seen, and where in the text it began matching; -1 when there was none.
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Whether any of a certificate's permission globs matches `verb`. */
export function verbPermitted(permissions: readonly string[], verb: string): boolean {
  return permissions.some((pattern) => globMatches(pattern, verb));
}

function checkChain(fields: EnvelopeFields, owner: string): Uint8Array {
  const ownerId = scrambleIdOf(publicKeyOfScrambleId(owner));
  if (fields.id !== ownerId) {
    throw new MvError('scramble.untrusted', `Envelope is from ${fields.id}, not from the owner ${ownerId}`);
  }
  const { certificate, publicKey } = checkCertificate(fields.cert, { owner: ownerId, type: 'session' });
  if (certificate.kid !== fields.kid) {
    throw new MvError(
      'scramble.untrusted',
      `Envelope names key ${fields.kid} but carries the certificate of ${certificate.kid}`,
    );
  }
  return publicKey;
}

function checkTimes(fields: EnvelopeFields, options: VerifyEnvelopeOptions): void {
  const { now } = options;
  const maxSkewMs = options.maxSkewMs ?? ENVELOPE_DEFAULTS.maxSkewMs;
  const maxLifetimeMs = options.maxLifetimeMs ?? ENVELOPE_DEFAULTS.maxLifetimeMs;
  if (now > fields.exp) throw new MvError('scramble.expired', `Envelope from ${fields.kid} has expired`);
  checkCertificateTime(fields.cert, { now, skewMs: maxSkewMs });
  if (fields.iat > now + maxSkewMs) {
    throw new MvError('scramble.clock-skew', `Envelope from ${fields.kid} was issued in the future`, {
      hint: "Check the signer's clock",
    });
  }
  if (fields.exp < fields.iat || fields.exp - fields.iat > maxLifetimeMs) {
    throw new MvError(
      'scramble.clock-skew',
      `Envelope from ${fields.kid} claims a lifetime over ${maxLifetimeMs} ms`,
    );
  }
}

/** The fields of an envelope that passes every check, in the documented order; throws MvError `scramble.*`. */
export function verifyEnvelope(bytes: Uint8Array, options: VerifyEnvelopeOptions): EnvelopeFields {
  const maxBytes = options.maxBytes ?? ENVELOPE_DEFAULTS.maxBytes;
  if (bytes.length > maxBytes) {
    throw new MvError(
      'scramble.too-large',
      `Envelope of ${bytes.length} bytes exceeds the ${maxBytes}-byte limit`,
    );
  }
  const { fields, sig } = decodeEnvelope(bytes);
  if (fields.v !== 1) {
    throw new MvError('scramble.version', `Envelope version ${fields.v} is not supported (only 1)`);
  }
  const publicKey = checkChain(fields, options.owner);
  if (options.isRevoked(fields.kid)) {
    throw new MvError('scramble.revoked', `Session key ${fields.kid} was revoked`);
  }
  if (!verifyEd25519(publicKey, { message: signingInput(fields), signature: sig })) {
    throw new MvError('scramble.bad-signature', `Envelope signature by ${fields.kid} does not verify`);
  }
  checkTimes(fields, options);
  if (!verbPermitted(fields.cert.permissions ?? [], fields.verb)) {
    throw new MvError('scramble.not-permitted', `Session key ${fields.kid} may not call ${fields.verb}`);
  }
  if (!options.targets.includes(fields.target)) {
    throw new MvError(
      'scramble.wrong-target',
      `Envelope is addressed to ${fields.target}, not to this executor`,
    );
  }
  return Object.freeze(fields);
}

/** `sha256:<hex>` of the envelope bytes, for the audit log (one digest per envelope: bytes are canonical). */
export function envelopeDigest(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}
