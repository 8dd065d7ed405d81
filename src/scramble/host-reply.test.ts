import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostKeyFromSeed } from './host-key.js';
import { type HostReplyBinding, signHostReply, verifyHostReply } from './host-reply.js';

const host = hostKeyFromSeed(new Uint8Array(32).fill(7));
const other = hostKeyFromSeed(new Uint8Array(32).fill(8));
const binding: HostReplyBinding = { kind: 'reply', hostId: 'habc', envelopeDigest: 'sha256:00' };
const body = JSON.stringify({ ok: true, result: { portals: [] } });

describe('host replies', () => {
  it('verifies a reply signed by the host for exactly this call', () => {
    assert.equal(verifyHostReply(host.publicKey, binding, signHostReply(host, binding, body)), true);
  });

  it('refuses another host key, another call, another host id, another kind and another text', () => {
    const signed = signHostReply(host, binding, body);
    assert.equal(verifyHostReply(other.publicKey, binding, signed), false);
    assert.equal(verifyHostReply(host.publicKey, { ...binding, envelopeDigest: 'sha256:01' }, signed), false);
    assert.equal(verifyHostReply(host.publicKey, { ...binding, hostId: 'hxyz' }, signed), false);
    for (const kind of ['progress', 'refusal'] as const)
      assert.equal(verifyHostReply(host.publicKey, { ...binding, kind }, signed), false);
    const forged = { ...signed, body: JSON.stringify({ ok: false, error: 'revoked' }) };
    assert.equal(verifyHostReply(host.publicKey, binding, forged), false);
  });

  it('refuses a signature that is not 64 bytes of strict base64url', () => {
    const signed = signHostReply(host, binding, body);
    for (const hostSignature of ['', `${signed.hostSignature}=`, signed.hostSignature.slice(1), '!'])
      assert.equal(verifyHostReply(host.publicKey, binding, { ...signed, hostSignature }), false);
  });
});
