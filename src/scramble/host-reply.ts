/**
 * @module What a host says back, signed: every reply, progress message and refusal carries the host key's
 * signature over its exact text, bound to the host id and to the envelope it answers, so a reply can be
 * neither forged by whatever answers the socket nor moved to another call or another host. The kind is
 * signed too: a progress message never passes as the reply, nor a refusal as either. A reply and its
 * progress travel sealed to the owner (seal.ts) with the signature inside; only a refusal the host cannot
 * seal (no usable encryption key) travels bare, and it carries no results.
 * Pure: no I/O.
 */
import { type HostKey, verifyHostSignature } from './host-key.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

/** What a signed answer is: the call's reply, a progress message, or a refusal sent without a seal. */
export type HostReplyKind = 'reply' | 'progress' | 'refusal';

/** What a signature binds an answer to. */
export interface HostReplyBinding {
  readonly kind: HostReplyKind;
  readonly hostId: string;
  /** The digest of the envelope answered (`envelopeDigest`). */
  readonly envelopeDigest: string;
}

/** An answer as signed: its exact JSON text and the host's signature (base64url). */
export interface SignedHostReply {
  readonly body: string;
  readonly hostSignature: string;
}

function signedBytes(binding: HostReplyBinding, body: string): Uint8Array {
  // A JSON array of strings: unambiguous however the parts are chosen.
  return new TextEncoder().encode(
    JSON.stringify([binding.kind, binding.hostId, binding.envelopeDigest, body]),
  );
}

/** Signs `body` (JSON text) as `binding` says. */
export function signHostReply(key: HostKey, binding: HostReplyBinding, body: string): SignedHostReply {
  return { body, hostSignature: encodeBase64Url(key.sign('reply', signedBytes(binding, body))) };
}

/** Whether `reply` is signed by the host key `publicKey` for exactly `binding`. */
export function verifyHostReply(
  publicKey: Uint8Array,
  binding: HostReplyBinding,
  reply: SignedHostReply,
): boolean {
  const signature = decodeBase64Url(reply.hostSignature, 64);
  if (signature === undefined) return false;
  return verifyHostSignature(publicKey, 'reply', signedBytes(binding, reply.body), signature);
}
