import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callDaemon } from '../../../src/cli/daemon-client.js';
import { readOrCreateHostKey } from '../../../src/daemon/door/host-identity.js';
import { MvError } from '../../../src/errors/index.js';
import { errorToRpc, SEAL_INFO } from '../../../src/protocol/index.js';
import { osRandom, type Session } from '../../../src/scramble/host/keyring.js';
import {
  decodeBase64Url,
  envelopeDigest,
  hostKeyFromSeed,
  newEncryptionKey,
  newSessionKey,
  sealTo,
  signHostReply,
} from '../../../src/scramble/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { registerTestOwner, testRoot, testSession } from '../../support/identity.js';
import { auditEntries, envelopeFor, sendEnvelope } from '../../support/signed-client.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** Runs a CLI without blocking this process (a fake daemon in it must answer). */
function runCli(
  bin: 'portalgun' | 'scramble',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, `bin/${bin}.js`), ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Answer = (request: { method: string; params: { envelope?: string } }) => Promise<unknown>;

/** A daemon impostor on a socket of its own: it answers each request line with `answer`'s line. */
function fakeDaemon(socketPath: string, answer: Answer): Promise<Server> {
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const request = JSON.parse(buffered.slice(0, newline)) as {
          id: number;
          method: string;
          params: { envelope?: string };
        };
        buffered = buffered.slice(newline + 1);
        void answer(request).then((reply) =>
          socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, ...(reply as object) })}\n`),
        );
        newline = buffered.indexOf('\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

describe('the client knows which host answers', { timeout: 180_000 }, () => {
  let daemon: TestDaemon;
  let owner: Session;
  let probe: Awaited<ReturnType<typeof callDaemon<'system.version'>>>;
  let fakeRun: string;
  const impostor = hostKeyFromSeed(new Uint8Array(32).fill(66));
  const revoked = new MvError('scramble.revoked', 'Your session key was revoked');

  before(async () => {
    daemon = await startTestDaemon({ withKernel: false, policy: null });
    owner = await testSession();
    probe = await callDaemon('system.version', {}, { socketPath: daemon.socketPath });
    fakeRun = mkdtempSync('/tmp/mv-fake-run-');
  });
  after(async () => {
    await daemon.dispose();
    rmSync(fakeRun, { recursive: true, force: true });
  });

  /** Runs `portalgun ps` against an impostor answering as `answer` says; returns what the CLI said. */
  async function psAgainst(answer: Answer) {
    const server = await fakeDaemon(path.join(fakeRun, 'portalgun.sock'), answer);
    try {
      return await runCli('portalgun', ['ps'], { PORTALGUN_RUN: fakeRun });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const probeAs = (result: unknown) => async (request: { method: string }) =>
    request.method === 'system.version' ? { result } : undefined;

  it('reports the host key in the version probe, as pinned for the host', async () => {
    assert.equal(probe.hostKey.fingerprint, readOrCreateHostKey(daemon.state).fingerprint);
    const listed = await runCli('scramble', ['--json', 'host', 'ls'], {});
    assert.equal(listed.status, 0, listed.stderr);
    const hosts = JSON.parse(listed.stdout) as { hostId: string; fingerprint: string }[];
    assert.deepEqual(
      hosts.filter((h) => h.hostId === probe.hostId).map((h) => h.fingerprint),
      [probe.hostKey.fingerprint],
    );
  });

  it('refuses an impostor that answers the probe with another host key', async () => {
    const claimed = {
      ...probe,
      hostKey: {
        publicKey: Buffer.from(impostor.publicKey).toString('base64url'),
        fingerprint: impostor.fingerprint,
      },
    };
    const result = await psAgainst(probeAs(claimed));
    assert.equal(result.status, 5, result.stderr);
    assert.match(result.stderr, /\[scramble\.host-mismatch\]/);
    assert.ok(result.stderr.includes(impostor.fingerprint), 'names the key that answered');
    assert.ok(result.stderr.includes(probe.hostKey.fingerprint), 'names the pinned key');
    assert.match(result.stderr, /scramble host forget/);
  });

  it('refuses a forged "revoked", sealed to the owner but signed by another key', async () => {
    const result = await psAgainst(async (request) => {
      if (request.method === 'system.version') return { result: probe };
      const digest = envelopeDigest(decodeBase64Url(request.params.envelope) ?? new Uint8Array());
      const signed = signHostReply(
        impostor,
        { kind: 'reply', hostId: probe.hostId, envelopeDigest: digest },
        JSON.stringify({ ok: false, error: errorToRpc(revoked) }),
      );
      const sealed = await sealTo(
        owner.encryption.publicKey,
        new TextEncoder().encode(JSON.stringify(signed)),
        {
          info: new TextEncoder().encode(SEAL_INFO.reply),
          aad: new TextEncoder().encode(digest),
          random: osRandom,
        },
      );
      return { result: { sealed } };
    });
    assert.equal(result.status, 5, result.stderr);
    assert.match(result.stderr, /not signed by host .* pinned key .*\[scramble\.host-mismatch\]/);
    assert.doesNotMatch(result.stderr, /revoked/);
  });

  it('refuses a bare "revoked" error, and a host the owner never pinned', async () => {
    const bare = await psAgainst(async (request) =>
      request.method === 'system.version' ? { result: probe } : { error: errorToRpc(revoked) },
    );
    assert.equal(bare.status, 5, bare.stderr);
    assert.match(bare.stderr, /\[scramble\.host-mismatch\]/);
    const unknown = await psAgainst(probeAs({ ...probe, hostId: `h${'z'.repeat(26)}` }));
    assert.equal(unknown.status, 5, unknown.stderr);
    assert.match(unknown.stderr, /which you have not pinned \[scramble\.host-mismatch\]/);
  });

  it('forgets a pinned host (scramble host forget), after which its answers are refused until pinned again', async () => {
    const forgotten = await runCli('scramble', ['host', 'forget', probe.hostId], {});
    assert.equal(forgotten.status, 0, forgotten.stderr);
    assert.match(forgotten.stdout, new RegExp(`forgot host ${probe.hostId}`));
    const refused = await runCli('portalgun', ['ps'], { PORTALGUN_RUN: daemon.run });
    assert.equal(refused.status, 5);
    assert.match(refused.stderr, /not pinned \[scramble\.host-mismatch\]/);
    const again = await runCli('scramble', ['host', 'forget', probe.hostId], {});
    assert.equal(again.status, 3, 'forgetting a host never pinned is not-found');
    await registerTestOwner(daemon.state);
    const ok = await runCli('portalgun', ['ps'], { PORTALGUN_RUN: daemon.run });
    assert.equal(ok.status, 0, ok.stderr);
  });

  it("sends no plaintext result when the owner's encryption certificate has expired: a host-signed refusal", async () => {
    const stale = newEncryptionKey(await testRoot(), {
      now: Date.now() - 7_200_000,
      lifetimeMs: 3_600_000,
      random: osRandom,
    });
    writeFileSync(
      path.join(daemon.state, 'owner.json'),
      JSON.stringify({ v: 1, scrambleId: owner.scrambleId, encryptionCertificate: stale.certificate }),
    );
    try {
      const bytes = envelopeFor(owner.signing, { target: probe.hostId, verb: 'portal.list' });
      const host = { hostId: probe.hostId, publicKey: readOrCreateHostKey(daemon.state).publicKey };
      assert.deepEqual(await sendEnvelope(daemon.socketPath, bytes, owner, host), {
        ok: false,
        code: 'scramble.expired',
        unsealed: true,
      });
      const shown = await runCli('portalgun', ['ps'], { PORTALGUN_RUN: daemon.run });
      assert.equal(shown.status, 5);
      assert.match(shown.stderr, /encryption certificate has expired.*\[scramble\.expired\]/);
      assert.match(shown.stderr, /portalgun init/);
    } finally {
      await registerTestOwner(daemon.state);
    }
  });
});

describe('replay across a clock step', { timeout: 120_000 }, () => {
  let daemon: TestDaemon;
  let clockFile: string;
  before(async () => {
    clockFile = path.join(mkdtempSync('/tmp/mv-faketime-'), 'offset');
    writeFileSync(clockFile, '+0\n');
    // libfaketime steps the daemon's wall clock when the file changes; its monotonic clock stays true.
    daemon = await startTestDaemon({
      withKernel: false,
      policy: null,
      env: {
        LD_PRELOAD: LIBFAKETIME,
        FAKETIME_TIMESTAMP_FILE: clockFile,
        FAKETIME_NO_CACHE: '1',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(path.dirname(clockFile), { recursive: true, force: true });
  });

  it('refuses an envelope replayed after the clock stepped ahead (a purge ran) and back', async () => {
    const owner = await testSession();
    const { hostId } = await callDaemon('system.version', {}, { socketPath: daemon.socketPath });
    const once = envelopeFor(owner.signing, { target: hostId, verb: 'portal.list' });
    assert.equal((await sendEnvelope(daemon.socketPath, once, owner)).ok, true);
    writeFileSync(clockFile, '+600\n');
    // Another key's call, ten minutes "later": the daemon forgets what it thinks expired.
    const other = newSessionKey(await testRoot(), {
      now: Date.now(),
      lifetimeMs: 3_600_000,
      permissions: ['*'],
      random: osRandom,
    });
    const later = envelopeFor(other, { target: hostId, verb: 'portal.list', now: Date.now() + 600_000 });
    assert.equal((await sendEnvelope(daemon.socketPath, later, owner)).ok, true);
    writeFileSync(clockFile, '+0\n');
    assert.deepEqual(await sendEnvelope(daemon.socketPath, once, owner), { ok: false, code: 'auth.denied' });
    assert.equal(auditEntries(daemon.state).at(-1)?.code, 'scramble.replay');
  });
});
