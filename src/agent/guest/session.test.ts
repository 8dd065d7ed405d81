import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createTestSigner, TEST_BOOT } from '../_test-envelopes.js';
import { encodeFrame, FrameDecoder, MAX_RESPONSE_FRAME } from '../frame.js';
import { type AgentResponse, parseResponse } from '../protocol.js';
import { createAuthenticator } from './authenticate.js';
import type { AgentConfig } from './config.js';
import { createFakeSystem } from './fake-system.js';
import { createSession } from './session.js';
import { ShellSessions } from './shell-sessions.js';
import type { VerbHandler } from './verb-handler.js';

const signer = createTestSigner('session');
const config: AgentConfig = {
  portalName: 'test.portal',
  verbs: ['ping', 'status', 'run', 'poweroff'],
  run: [],
  trust: { owner: signer.owner, ...TEST_BOOT },
};

/** A request frame with its envelope. */
const signed = (id: number, verb: string, args: string[] = []) =>
  encodeFrame({ id, verb, args, auth: signer.exec(verb, args) });

/** A session whose `run` waits for `release()`, with every response it writes. */
function harness(handlers: Record<string, VerbHandler> = {}) {
  const responses: AgentResponse[] = [];
  const events: string[] = [];
  const decoder = new FrameDecoder({ maxFrame: MAX_RESPONSE_FRAME });
  const session = createSession({
    config,
    system: createFakeSystem(),
    shells: new ShellSessions(createFakeSystem()),
    authenticator: createAuthenticator(config.trust),
    handlers: { ping: async () => ({ result: 'pong' }), ...handlers },
    log: (line) => events.push(`log ${line}`),
    write: async (frame) => {
      for (const item of decoder.push(frame)) {
        const response = item.kind === 'frame' ? parseResponse(item.payload) : undefined;
        assert.ok(response);
        responses.push(response);
        events.push(`write ${response.id}`);
      }
    },
  });
  const send = (id: number, verb: string, args: string[] = []) => session.push(signed(id, verb, args));
  return { session, responses, events, send };
}

const codes = (responses: AgentResponse[]) => responses.map((r) => [r.id, r.ok ? 'ok' : r.error.code]);

describe('agent session', () => {
  it('answers each request with its id, and bad frames with id 0', async () => {
    const { session, responses, send } = harness();
    send(5, 'ping');
    session.push(Buffer.from([0, 0, 0, 0]));
    session.push(encodeFrame('not a request'));
    send(6, 'nope');
    await tick();
    assert.deepEqual(codes(responses), [
      [0, 'agent.bad-frame'],
      [0, 'agent.bad-frame'],
      [6, 'agent.unknown-verb'],
      [5, 'ok'],
    ]);
  });

  it('answers agent.unauthenticated without an envelope, and to a replay even from a new peer', async () => {
    const { session, responses } = harness();
    const frame = signed(1, 'ping');
    session.push(encodeFrame({ id: 2, verb: 'ping', args: [] }));
    session.push(frame);
    await tick();
    session.reset();
    session.push(frame);
    await tick();
    assert.deepEqual(codes(responses), [
      [2, 'agent.unauthenticated'],
      [1, 'ok'],
      [1, 'agent.unauthenticated'],
    ]);
  });

  it('keeps at most four requests in flight and answers the fifth agent.busy', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { responses, send } = harness({ run: async () => gate.then(() => ({ result: 'done' })) });
    for (let id = 1; id <= 5; id += 1) send(id, 'run');
    await tick();
    assert.deepEqual(codes(responses), [[5, 'agent.busy']]);
    release();
    await tick();
    send(6, 'ping');
    await tick();
    assert.deepEqual(codes(responses).slice(1), [
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
      [4, 'ok'],
      [6, 'ok'],
    ]);
  });

  it('drops answers meant for a peer that has gone, so a new peer never sees them', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { session, responses, send } = harness({ run: async () => gate.then(() => ({ result: 'old' })) });
    send(1, 'run');
    session.push(signed(2, 'ping').subarray(0, 7));
    session.reset();
    send(1, 'ping');
    release();
    await tick();
    assert.deepEqual(responses, [{ id: 1, ok: true, result: 'pong' }]);
  });

  it('runs after-reply work only once the reply is written', async () => {
    const { events, send } = harness({
      poweroff: async () => ({
        result: { poweringOff: true },
        afterReply: async () => {
          events.push('power off');
        },
      }),
    });
    send(3, 'poweroff');
    await tick();
    assert.deepEqual(events, ['write 3', 'power off']);
  });

  it('answers agent.frame-too-large when a reply does not fit a frame', async () => {
    const { responses, send } = harness({ status: async () => ({ result: 'x'.repeat(MAX_RESPONSE_FRAME) }) });
    send(4, 'status');
    await tick();
    assert.deepEqual(codes(responses), [[4, 'agent.frame-too-large']]);
  });

  it('survives a transport whose write rejects, and logs it', async () => {
    const logs: string[] = [];
    const session = createSession({
      config,
      system: createFakeSystem(),
      shells: new ShellSessions(createFakeSystem()),
      authenticator: createAuthenticator(config.trust),
      log: (line) => logs.push(line),
      write: async () => {
        throw new Error('EPIPE');
      },
    });
    session.push(signed(1, 'ping'));
    await tick();
    assert.match(logs.join('\n'), /EPIPE/);
  });
});
