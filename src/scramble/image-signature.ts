/**
 * @module The owner's signature of an image manifest. A signature is the JSON object
 * `{v: 1, manifest, signedAt, cert, sig}`: `manifest` is the manifest's `sha256:<hex>` digest, `signedAt` when it
 * was signed (ms since the epoch), `cert` the root certificate of the session key that signed, and `sig` that
 * key's Ed25519 signature over `"multiverse/image-signature/v1\0" + canonical({v, manifest, signedAt, cert})`.
 * The prefix differs from those of envelopes and certificates, so no signature of one kind ever verifies as
 * another. The session must be permitted the verb `image.sign` (sessions with `*` are).
 *
 * Expiry: a session certificate lives for days, an image for months. A signature stays good after its
 * certificate expires if the verifier first accepted it while the certificate was valid (`acceptedAt`, kept by
 * the verifier, not the signer) and it was made within the certificate's validity. A signature first presented
 * after expiry is refused, so a leaked expired key cannot sign "in the past". Revocation is different: a
 * revoked key's signatures are refused whenever they were made, because nobody knows when it leaked.
 * Pure: no I/O, no clock (times are passed in). Errors name key ids and digests, never signature bytes.
 */
import { canonicalJson, digestJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import { verbPermitted } from './envelope.js';
import {
  type Certificate,
  certificateCovers,
  checkCertificate,
  fieldsProblem,
  isRecord,
  isTime,
  type SessionKey,
  verifyEd25519,
} from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

/** The permission (verb) a session certificate needs to sign images. */
const IMAGE_SIGN_PERMISSION = 'image.sign';

/** An owner's signature of one image manifest. */
export interface ImageSignature {
  readonly v: 1;
  readonly manifest: string;
  readonly signedAt: number;
  readonly cert: Certificate;
  readonly sig: string;
}

/** What a verified signature tells: which session key signed, and when. */
export interface VerifiedImageSignature {
  readonly kid: string;
  readonly signedAt: number;
}

/** What `verifyImageSignature` checks a signature against. */
export interface VerifyImageSignatureOptions {
  /** The owner's Scramble ID: the certificate must chain to its root key. */
  readonly owner: string;
  /** The digest of the manifest the verifier holds. */
  readonly manifestDigest: string;
  readonly isRevoked: (kid: string) => boolean;
  /** When the verifier first accepted this signature (now, when it is first presented). */
  readonly acceptedAt: number;
  /** Clock difference tolerated between signer and verifier (default 30 s). */
  readonly skewMs?: number;
}

const DOMAIN = 'multiverse/image-signature/v1\0';
const FIELDS = ['v', 'manifest', 'signedAt', 'cert', 'sig'];
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DEFAULT_SKEW_MS = 30_000;

function signingInput(body: Omit<ImageSignature, 'sig'>): Uint8Array {
  return Buffer.from(`${DOMAIN}${canonicalJson(body)}`, 'utf8');
}

function invalid(message: string, hint = 'Sign the image again: portalgun image build <formula>.'): MvError {
  return new MvError('image.signature-invalid', message, { hint });
}

function untrustedSigner(message: string): MvError {
  return new MvError('image.untrusted-signer', message, {
    hint: "Only the host owner's Scramble ID may sign its images: sign it again with your own session (portalgun image build <formula>).",
  });
}

/** Signs a manifest digest with a session key. */
export function signImageManifest(
  manifestDigest: string,
  sessionKey: SessionKey,
  options: { readonly now: number },
): ImageSignature {
  if (!DIGEST.test(manifestDigest)) {
    throw new MvError('usage.invalid', 'Cannot sign: the manifest digest is not a sha256:<hex> digest');
  }
  const body = {
    v: 1 as const,
    manifest: manifestDigest,
    signedAt: options.now,
    cert: sessionKey.certificate,
  };
  return { ...body, sig: encodeBase64Url(sessionKey.sign(signingInput(body))) };
}

/** The digest of a signature object: how a verifier remembers which signatures it has accepted. */
export function imageSignatureDigest(signature: ImageSignature): string {
  return digestJson(signature);
}

function shapeProblem(value: Record<string, unknown>): string | undefined {
  const shape = fieldsProblem(value, FIELDS);
  if (shape !== undefined) return shape;
  if (value.v !== 1) return 'version is not 1';
  if (typeof value.manifest !== 'string' || !DIGEST.test(value.manifest)) return 'manifest is not a digest';
  if (!isTime(value.signedAt)) return 'signedAt is not a time in ms';
  if (!isRecord(value.cert)) return 'cert is not an object';
  return decodeBase64Url(value.sig, 64) === undefined ? 'sig is not 64 bytes of base64url' : undefined;
}

/** Parses a signature's shape (exact fields and types); throws `image.signature-invalid`. */
export function parseImageSignature(value: unknown): ImageSignature {
  const problem = isRecord(value) ? shapeProblem(value) : 'it is not a JSON object';
  if (problem !== undefined) throw invalid(`Image signature is malformed: ${problem}`);
  return value as unknown as ImageSignature;
}

function checkSigner(signature: ImageSignature, options: VerifyImageSignatureOptions): Uint8Array {
  let checked: ReturnType<typeof checkCertificate>;
  try {
    checked = checkCertificate(signature.cert, { owner: options.owner, type: 'session' });
  } catch (error) {
    const reason = error instanceof MvError ? error.message : 'its certificate is not valid';
    throw untrustedSigner(`Image signature is not by a key of the owner ${options.owner}: ${reason}`);
  }
  const { kid, permissions } = checked.certificate;
  if (options.isRevoked(kid))
    throw untrustedSigner(`Image signature is by session key ${kid}, which was revoked`);
  if (!verbPermitted(permissions ?? [], IMAGE_SIGN_PERMISSION)) {
    throw untrustedSigner(`Session key ${kid} is not permitted to sign images (${IMAGE_SIGN_PERMISSION})`);
  }
  return checked.publicKey;
}

function checkTimes(signature: ImageSignature, options: VerifyImageSignatureOptions): void {
  const { kid } = signature.cert;
  const skew = options.skewMs ?? DEFAULT_SKEW_MS;
  const within = (time: number) => certificateCovers(signature.cert, time, skew);
  if (!within(signature.signedAt)) {
    throw invalid(`Image signature by ${kid} claims a time outside its certificate's validity`);
  }
  if (signature.signedAt > options.acceptedAt + skew) {
    throw invalid(`Image signature by ${kid} was made after this host accepted it (check the clocks)`);
  }
  if (!within(options.acceptedAt)) {
    throw untrustedSigner(
      `Image signature by ${kid} reached this host only after its certificate had expired (or before it began)`,
    );
  }
}

/**
 * Checks a signature, in this order: shape, certificate chain to the owner, revocation, `image.sign`
 * permission, that it covers exactly this manifest, the Ed25519 signature, and the times (see the module
 * comment). Throws `image.signature-invalid` or `image.untrusted-signer`.
 */
export function verifyImageSignature(
  value: unknown,
  options: VerifyImageSignatureOptions,
): VerifiedImageSignature {
  const signature = parseImageSignature(value);
  const publicKey = checkSigner(signature, options);
  const { kid } = signature.cert;
  if (signature.manifest !== options.manifestDigest) {
    throw invalid(
      `Image signature by ${kid} covers manifest ${signature.manifest}, not this image's ${options.manifestDigest}`,
    );
  }
  const { sig, ...body } = signature;
  const bytes = decodeBase64Url(sig, 64) ?? new Uint8Array(0);
  if (!verifyEd25519(publicKey, { message: signingInput(body), signature: bytes })) {
    throw invalid(`Image signature by ${kid} does not verify: the manifest or the signature was changed`);
  }
  checkTimes(signature, options);
  return { kid, signedAt: signature.signedAt };
}
