import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeGuest, serveFakeGuest } from '../../../test/support/fake-guest.js';
import { MvError } from '../../errors/index.js';
import type { AgentVerb } from '../../guest-abi/index.js';
import { createTestSigner, TEST_BOOT } from '../_test-envelopes.js';
import { encodeFrame, FrameDecoder, MAX_FRAME } from '../frame.js';
import type { FakeProgram } from '../guest/fake-system.js';
import { type AgentResponse, parseResponse, REQUEST_LIMITS } from '../protocol.js';
import { type AgentClient, connectAgent } from './agent-client.js';

const signer = createTestSigner('agent-client');

/** Sends one request with the owner's envelope for it, as the daemon does. */
const ask = (
  client: AgentClient,
  verb: AgentVerb,
  args: string[] = [],
  options: { timeoutMs?: number } = {},
) => client.request(verb, args, { ...options, auth: signer.exec(verb, args) });

const PROGRAMS: Readonly<Record<string, FakeProgram>> = {
  '/usr/bin/echo': (args) => ({ stdout: `${args.join(' ')}\n` }),
  '/usr/bin/slow': () => new Promise((resolve) => setTimeout(() => resolve({}), 300)),
};

/** Sends raw bytes to the fake guest and collects the responses until `count` have arrived. */
function rawExchange(socketPath: string, bytes: Buffer[], count: number): Promise<AgentResponse[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(socketPath);
    const decoder = new FrameDecoder({ maxFrame: 1 << 20 });
    const responses: AgentResponse[] = [];
    socket.on('error', reject);
    socket.on('connect', () => {
      for (const chunk of bytes) socket.write(chunk);
    });
    socket.on('data', (chunk) => {
      for (const item of decoder.push(chunk)) {
        const response = item.kind === 'frame' ? parseResponse(item.payload) : undefined;
        if (response) responses.push(response);
      }
      if (responses.length >= count) {
        socket.destroy();
        resolve(responses);
      }
    });
  });
}

const failsWith = (code: string) => (error: unknown) => error instanceof MvError && error.code === code;

describe('agent client against a fake guest', () => {
  let dir = '';
  let socketPath = '';
  let guest: FakeGuest | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mv-agent-'));
    socketPath = path.join(dir, 'agent.sock');
    guest = await serveFakeGuest(socketPath, signer, PROGRAMS);
  });

  after(async () => {
    await guest?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends requests and returns their results', async () => {
    const client = await connectAgent(socketPath);
    try {
      assert.equal(await ask(client, 'ping'), 'pong');
      assert.deepEqual(await ask(client, 'hostname'), { hostname: 'portal' });
      const [echoed, pong] = await Promise.all([
        ask(client, 'run', ['/usr/bin/echo', 'a b', 'c']),
        ask(client, 'ping', []),
      ]);
      assert.deepEqual(echoed, {
        exitCode: 0,
        signal: null,
        stdout: 'a b c\n',
        stderr: '',
        truncated: false,
      });
      assert.equal(pong, 'pong');
    } finally {
      client.close();
    }
  });

  it('turns the agent’s refusals into MvErrors with the agent’s code', async () => {
    const client = await connectAgent(socketPath);
    try {
      const down = signer.sign('portal.down', { name: TEST_BOOT.instance, force: false });
      await assert.rejects(
        client.request('poweroff', [], { auth: down }),
        failsWith('agent.verb-not-allowed'),
      );
      await assert.rejects(ask(client, 'run', ['/bin/sh']), failsWith('agent.command-not-allowed'));
      await assert.rejects(ask(client, 'reset'), failsWith('agent.not-applicable'));
      await assert.rejects(ask(client, 'hostname', ['Not_A_Label']), failsWith('agent.bad-args'));
      assert.equal(await ask(client, 'ping'), 'pong');
    } finally {
      client.close();
    }
  });

  it('sends the envelope given, and hears agent.unauthenticated without one or with the wrong one', async () => {
    const client = await connectAgent(socketPath);
    try {
      await assert.rejects(client.request('ping'), failsWith('agent.unauthenticated'));
      const wrong = signer.exec('ping', [], { target: `h${'c'.repeat(26)}` });
      await assert.rejects(client.request('ping', [], { auth: wrong }), (error: unknown) => {
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'agent.unauthenticated');
        assert.equal(error.message, 'envelope refused: scramble.wrong-target');
        return true;
      });
      const auth = signer.exec('ping');
      assert.equal(await client.request('ping', [], { auth }), 'pong');
      await assert.rejects(client.request('ping', [], { auth }), failsWith('agent.unauthenticated'));
    } finally {
      client.close();
    }
  });

  it('refuses requests past the caps before sending them', async () => {
    const client = await connectAgent(socketPath);
    try {
      await assert.rejects(ask(client, 'run', Array(33).fill('x')), failsWith('agent.bad-args'));
      await assert.rejects(ask(client, 'run', ['a\nb']), failsWith('agent.bad-args'));
      const tooLong = 'A'.repeat(REQUEST_LIMITS.maxAuthChars + 1);
      await assert.rejects(client.request('ping', [], { auth: tooLong }), failsWith('agent.bad-frame'));
      const fullAuth = 'A'.repeat(REQUEST_LIMITS.maxAuthChars);
      await assert.rejects(
        client.request('run', Array(32).fill('x'.repeat(4096)), { auth: fullAuth }),
        failsWith('agent.frame-too-large'),
      );
      assert.equal(await ask(client, 'ping'), 'pong');
    } finally {
      client.close();
    }
  });

  it('times out a slow request, and hears the agent say busy past four in flight', async () => {
    const client = await connectAgent(socketPath);
    try {
      await assert.rejects(
        ask(client, 'run', ['/usr/bin/slow'], { timeoutMs: 50 }),
        failsWith('agent.timeout'),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const slow = Array.from({ length: 4 }, () => ask(client, 'run', ['/usr/bin/slow']));
      await assert.rejects(ask(client, 'ping'), failsWith('agent.busy'));
      assert.equal((await Promise.all(slow)).length, 4);
    } finally {
      client.close();
    }
  });

  it('fails pending requests when the connection is closed or aborted', async () => {
    const client = await connectAgent(socketPath);
    const pending = ask(client, 'run', ['/usr/bin/slow']);
    client.close();
    await assert.rejects(pending, failsWith('agent.disconnected'));
    await assert.rejects(ask(client, 'ping'), failsWith('agent.disconnected'));

    const stop = new AbortController();
    const aborted = await connectAgent(socketPath, { signal: stop.signal });
    const request = ask(aborted, 'run', ['/usr/bin/slow']);
    stop.abort();
    await assert.rejects(request, failsWith('agent.disconnected'));
  });

  it('reports an unreachable socket', async () => {
    await assert.rejects(connectAgent(path.join(dir, 'missing.sock')), failsWith('agent.unreachable'));
  });

  it('fails with agent.disconnected when the guest breaks the protocol', async () => {
    const rogue = path.join(dir, 'rogue.sock');
    const server = createServer((socket) => socket.end(Buffer.from([0xff, 0xff, 0xff, 0xff, 0])));
    await new Promise<void>((resolve) => server.listen(rogue, resolve));
    try {
      const client = await connectAgent(rogue);
      await assert.rejects(ask(client, 'ping'), failsWith('agent.disconnected'));
    } finally {
      server.close();
    }
  });
});

describe('fake guest under malformed input', () => {
  let dir = '';
  let socketPath = '';
  let guest: FakeGuest | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mv-agent-raw-'));
    socketPath = path.join(dir, 'agent.sock');
    guest = await serveFakeGuest(socketPath, signer, PROGRAMS);
  });

  after(async () => {
    await guest?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ping = (id: number) => encodeFrame({ id, verb: 'ping', args: [], auth: signer.exec('ping') });
  const header = (length: number) =>
    Buffer.from([length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]);
  const summary = (responses: AgentResponse[]) =>
    responses.map((r) => [r.id, r.ok ? r.result : r.error.code]);

  it('answers garbage framed as a request with agent.bad-frame, then a ping', async () => {
    const garbage = Buffer.concat([header(5), Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x42])]);
    assert.deepEqual(summary(await rawExchange(socketPath, [garbage, ping(1)], 2)), [
      [0, 'agent.bad-frame'],
      [1, 'pong'],
    ]);
  });

  it('skips an oversize frame as it streams in, then answers a ping', async () => {
    const size = MAX_FRAME + 1;
    const body = Buffer.alloc(size, 0x61);
    const chunks = [header(size), body.subarray(0, 30_000), body.subarray(30_000), ping(2)];
    assert.deepEqual(summary(await rawExchange(socketPath, chunks, 2)), [
      [0, 'agent.frame-too-large'],
      [2, 'pong'],
    ]);
  });

  it('answers invalid JSON, a bad shape and an unknown verb, then a ping', async () => {
    const invalid = Buffer.from('{"id": 3, "verb": "ping", "args": [');
    const frames = [
      Buffer.concat([header(invalid.length), invalid]),
      encodeFrame({ id: 4, verb: 'ping', args: [], extra: 1 }),
      encodeFrame({ id: 5, verb: 'format-disk', args: [] }),
      header(0),
      ping(6),
    ];
    assert.deepEqual(summary(await rawExchange(socketPath, [Buffer.concat(frames)], 5)), [
      [0, 'agent.bad-frame'],
      [4, 'agent.bad-frame'],
      [5, 'agent.unknown-verb'],
      [0, 'agent.bad-frame'],
      [6, 'pong'],
    ]);
  });

  it('starts a fresh stream for the next client after one leaves mid-frame', async () => {
    await rawExchange(socketPath, [ping(1), ping(2).subarray(0, 9)], 1);
    assert.deepEqual(summary(await rawExchange(socketPath, [ping(7)], 1)), [[7, 'pong']]);
  });
});
