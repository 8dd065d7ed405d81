/**
 * @module Public surface of the Scramble domain: Scramble IDs (onion-style Ed25519 root keys), passphrase
 * derivation, session and encryption keys with root certificates and revocations, signed command envelopes,
 * owner signatures of image manifests, HPKE-sealed replies and the encrypted root key file. Security failures
 * carry precise `scramble.*` codes for the audit log; callers facing the network report them as `auth.denied`
 * (image signatures carry `image.*` codes: they are checked before a boot, not at the door).
 * Pure: no I/O; clocks, randomness and revocation lists are passed in.
 */
export {
  draftEnvelope,
  ENVELOPE_DEFAULTS,
  type EnvelopeFields,
  envelopeDigest,
  globMatches,
  type JsonValue,
  signEnvelope,
  type VerifyEnvelopeOptions,
  verbPermitted,
  verifyEnvelope,
} from './envelope.js';
export {
  HOST_KEY_SEED_BYTES,
  type HostKey,
  type HostSignatureDomain,
  hostKeyFingerprint,
  hostKeyFromSeed,
  verifyHostSignature,
} from './host-key.js';
export {
  type HostReplyBinding,
  type HostReplyKind,
  type SignedHostReply,
  signHostReply,
  verifyHostReply,
} from './host-reply.js';
export {
  type ImageSignature,
  imageSignatureDigest,
  parseImageSignature,
  signImageManifest,
  type VerifyImageSignatureOptions,
  verifyImageSignature,
} from './image-signature.js';
export { ARGON2ID_PARAMS, type Argon2idParams, deriveFileKey, deriveRootSeed } from './kdf.js';
export { decryptRootSeed, encryptRootSeed, type RootKeyFile } from './key-file.js';
export {
  type Certificate,
  type CertificateType,
  type EncryptionKey,
  encryptionKeyFromSecret,
  type IssueOptions,
  kidOf,
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RandomBytes,
  type RevocationRecord,
  type RootKey,
  rootKeyFromSeed,
  type SessionKey,
  sessionKeyFromSeed,
  signRevocation,
  verifyCertificate,
  verifyRevocation,
} from './keys.js';
export {
  decodeBase64Url,
  encodeBase64Url,
  publicKeyOfScrambleId,
  SCRAMBLE_ID_LENGTH,
  scrambleIdOf,
} from './onion.js';
export { openSealed, type SealContext, type Sealed, sealTo } from './seal.js';
