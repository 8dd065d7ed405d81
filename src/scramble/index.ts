/**
 * @module Public surface of the Scramble domain: Scramble IDs (onion-style Ed25519 root keys), passphrase
 * derivation and its strength estimate, session and encryption keys with root certificates and revocations,
 * signed command envelopes, owner signatures of image manifests, HPKE-sealed replies, the encrypted root key
 * file and the recovery kit (phrase and Shamir shares). Security failures
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
export {
  type Argon2idParams,
  deriveFileKey,
  deriveRootSeed,
  FILE_KEY_PARAMS,
  parseRootSalt,
  ROOT_SEED_PARAMS,
  type RootKdf,
  rootKdfOf,
  SALT_BYTES,
} from './kdf.js';
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
export {
  checkPassphraseStrength,
  MIN_SCORE,
  type PassphrasePurpose,
  passphraseScore,
} from './passphrase-strength.js';
export {
  encodeShares,
  MAX_SHARES,
  PHRASE_WORDS,
  parseRecoveryInput,
  parseShareSpec,
  type RecoveryInput,
  recoveryPhraseOf,
  renderRecoveryKit,
  SHARE_PREFIX,
  seedOfRecoveryInput,
  seedOfRecoveryPhrase,
  seedOfShares,
} from './recovery.js';
export { openSealed, type SealContext, type Sealed, sealTo } from './seal.js';
