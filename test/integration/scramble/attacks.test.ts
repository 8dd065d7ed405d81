import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rpcCall } from '../../../src/cli/rpc-connection.js';
import { canonicalJson } from '../../../src/digest/index.js';
import { osRandom, type Session } from '../../../src/scramble/host/keyring.js';
import { newRootSeed, newSessionKey, rootKeyFromSeed, signRevocation } from '../../../src/scramble/index.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { testRoot, testSession } from '../../support/identity.js';
import {
  auditEntries,
  envelopeFor,
  openVerdict,
  sendEnvelope,
  sendLines,
  type Verdict,
} from '../../support/signed-client.js';

describe('the signed door refuses every attack, with its code in the audit log', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  let owner: Session;
  let hostId: string;
  const send = (bytes: Uint8Array) => sendEnvelope(daemon.socketPath, bytes, owner);
  const freshKey = async (options: { now?: number; lifetimeMs?: number } = {}) =>
    newSessionKey(await testRoot(), {
      now: options.now ?? Date.now(),
      lifetimeMs: options.lifetimeMs ?? 3_600_000,
      permissions: ['*'],
      random: osRandom,
    });
  const lastCode = () => auditEntries(daemon.state).at(-1)?.code;
  async function refused(verdict: Verdict, code: string): Promise<void> {
    assert.deepEqual(verdict, { ok: false, code: 'auth.denied' }, 'outwardly only "denied"');
    assert.equal(lastCode(), code, 'the audit log has the exact reason');
  }

  before(async () => {
    daemon = await startTestDaemon({ withKernel: false, policy: null });
    owner = await testSession();
    hostId = (await daemon.call('system.version', {})).hostId;
  });
  after(() => daemon.dispose());

  it('accepts a well-formed envelope from the owner and audits it', async () => {
    const verdict = await send(envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' }));
    assert.deepEqual(verdict, { ok: true, result: { portals: [] } });
    assert.equal(lastCode(), 'ok');
  });

  it('refuses an unsigned request (only the version probe is unsigned)', async () => {
    await assert.rejects(
      rpcCall('portal.list', {}, { socketPath: daemon.socketPath }),
      (e: { code?: string }) => e.code === 'auth.denied',
    );
  });

  it('refuses a forged signature', async () => {
    const good = JSON.parse(
      Buffer.from(envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' })).toString(),
    ) as { sig: string };
    const forged = { ...good, sig: Buffer.from(osRandom(64)).toString('base64url') };
    const bytes = Buffer.from(canonicalJson(forged));
    await refused(await send(bytes), 'scramble.bad-signature');
  });

  it('refuses a key the owner never certified', async () => {
    const stranger = rootKeyFromSeed(newRootSeed(osRandom));
    const key = newSessionKey(stranger, {
      now: Date.now(),
      lifetimeMs: 3_600_000,
      permissions: ['*'],
      random: osRandom,
    });
    await refused(
      await send(envelopeFor(key, { target: hostId, verb: 'portal.list' })),
      'scramble.untrusted',
    );
  });

  it('refuses an expired session key', async () => {
    const key = await freshKey({ now: Date.now() - 7_200_000, lifetimeMs: 3_600_000 });
    await refused(await send(envelopeFor(key, { target: hostId, verb: 'portal.list' })), 'scramble.expired');
  });

  it('refuses a revoked session key, also after the daemon restarts', async () => {
    const key = await freshKey();
    assert.equal((await send(envelopeFor(key, { target: hostId, verb: 'portal.list' }))).ok, true);
    const record = signRevocation(await testRoot(), { kid: key.kid, now: Date.now(), reason: 'lost laptop' });
    assert.deepEqual(
      await daemon.call('identity.revoke', { record: record as unknown as Record<string, unknown> }),
      { revoked: key.kid },
    );
    await refused(await send(envelopeFor(key, { target: hostId, verb: 'portal.list' })), 'scramble.revoked');
    await daemon.kill9();
    await daemon.restart();
    await refused(await send(envelopeFor(key, { target: hostId, verb: 'portal.list' })), 'scramble.revoked');
  });

  it('refuses a replay, also after the daemon restarts', async () => {
    const bytes = envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' });
    assert.equal((await send(bytes)).ok, true);
    await refused(await send(bytes), 'scramble.replay');
    await daemon.kill9();
    await daemon.restart();
    await refused(await send(bytes), 'scramble.replay');
  });

  it('refuses an envelope addressed to another host', async () => {
    await refused(
      await send(envelopeFor(owner.signing, { target: 'hsomeotherhostaaaaaaaaaaaaaa', verb: 'portal.list' })),
      'scramble.wrong-target',
    );
  });

  it('refuses an oversize envelope', async () => {
    const args = { padding: 'x'.repeat(70_000) };
    const key = await freshKey();
    await refused(
      await send(envelopeFor(key, { target: hostId, verb: 'portal.list', args })),
      'scramble.too-large',
    );
  });

  it('refuses the envelope with any one byte flipped, never running it', async () => {
    const bytes = envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' });
    for (let at = 0; at < bytes.length; at += 5) {
      const flipped = Uint8Array.from(bytes);
      flipped[at] = (flipped[at] as number) ^ 0x04;
      const verdict = await send(flipped);
      assert.deepEqual(verdict, { ok: false, code: 'auth.denied' }, `byte ${at}`);
    }
    assert.ok(auditEntries(daemon.state).filter((e) => e.decision === 'deny').length > bytes.length / 5);
  });

  it('rate-limits a flood from one key while other keys are unaffected', async () => {
    const flooder = await freshKey();
    const bystander = await freshKey();
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 25; i++)
      verdicts.push(await send(envelopeFor(flooder, { target: hostId, verb: 'portal.list' })));
    const limited = verdicts.filter((v) => !v.ok && v.code === 'auth.rate-limited').length;
    assert.ok(limited > 0, 'the flood was limited');
    assert.ok(
      verdicts.slice(0, 10).every((v) => v.ok),
      'the burst was allowed',
    );
    assert.equal(
      auditEntries(daemon.state).filter((e) => e.kid === flooder.kid && e.code === 'auth.rate-limited')
        .length,
      limited,
    );
    assert.equal((await send(envelopeFor(bystander, { target: hostId, verb: 'portal.list' }))).ok, true);
  });

  it('survives 10,000 malformed envelopes: no crash, and every reply sealed', async () => {
    const base = envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' });
    const malformed: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      const kind = i % 4;
      if (kind === 0) malformed.push(osRandom(1 + (i % 300)));
      else if (kind === 1) malformed.push(base.subarray(0, i % base.length));
      else if (kind === 2) {
        const copy = Uint8Array.from(base);
        for (let j = 0; j < 1 + (i % 5); j++) {
          // XOR with a non-zero value, so the byte really changes (an unchanged copy would be a valid envelope).
          const at = (i * 31 + j * 97) % copy.length;
          copy[at] = (copy[at] as number) ^ (1 + ((osRandom(1)[0] as number) % 255));
        }
        malformed.push(copy);
      } else malformed.push(Buffer.from(JSON.stringify({ v: 1, verb: 'portal.list', junk: i, sig: 'x' })));
    }
    const lines = malformed.map((bytes, i) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: i + 1,
        method: 'scramble.call',
        params: { envelope: Buffer.from(bytes).toString('base64url') },
      }),
    );
    const replies = (await sendLines(daemon.socketPath, lines)) as { result?: { sealed: unknown } }[];
    assert.equal(replies.length, 10_000);
    for (const [i, reply] of replies.entries()) {
      assert.ok(reply.result?.sealed, `reply ${i} is sealed`);
      const verdict = await openVerdict(reply.result.sealed, malformed[i] as Uint8Array, owner);
      assert.equal(verdict.ok, false, `malformed envelope ${i} was refused`);
    }
    assert.equal((await daemon.call('system.version', {})).protocol, 1, 'the daemon is still up');
  });
});
