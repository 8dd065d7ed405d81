import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentVerb } from '../../guest-abi/index.js';
import { createTestSigner, TEST_BOOT, TEST_NOW } from '../_test-envelopes.js';
import type { AgentRequest } from '../protocol.js';
import { type AuthVerdict, createAuthenticator } from './authenticate.js';

const owner = createTestSigner('owner');
const stranger = createTestSigner('stranger');
const trust = { owner: owner.owner, ...TEST_BOOT };

const request = (verb: AgentVerb, args: string[], auth?: string): AgentRequest =>
  auth === undefined ? { id: 1, verb, args } : { id: 1, verb, args, auth };

/** Why a verdict refuses, or undefined when it accepts. */
const refusal = (verdict: AuthVerdict) => ('refusal' in verdict ? verdict.refusal : undefined);

/** A fresh authenticator's refusal of one request at `now` (undefined: accepted). */
const verify = (req: AgentRequest, now = TEST_NOW) => refusal(createAuthenticator(trust).verify(req, now));

describe('authenticate', () => {
  it('accepts each daemon method for the agent request it stands for', () => {
    const instance = TEST_BOOT.instance;
    const accepted: AgentRequest[] = [
      request('run', ['/usr/bin/id', '-u'], owner.exec('run', ['/usr/bin/id', '-u'])),
      request('ping', [], owner.sign('portal.exec', { name: instance, verb: 'ping' })),
      request('status', [], owner.exec('status')),
      request('status', [], owner.sign('portal.status', { name: instance })),
      request('poweroff', [], owner.sign('portal.down', { name: instance, force: false })),
      request('poweroff', [], owner.sign('portal.down', { name: instance })),
    ];
    for (const req of accepted) assert.equal(verify(req), undefined, req.verb);
  });

  it('accepts a signed shell step for exactly the agent arguments it stands for, naming the signing key', () => {
    const session = 'c'.repeat(32);
    const step = { name: TEST_BOOT.instance, op: 'io', session, input: 'bHMK', wait: 40 };
    const auth = owner.sign('portal.shell', step);
    const verdict = createAuthenticator(trust).verify(
      request('shell', ['io', session, 'bHMK', '40'], auth),
      TEST_NOW,
    );
    assert.ok('kid' in verdict && /^k/.test(verdict.kid));
    for (const args of [
      ['io', session, 'bHMl', '40'],
      ['io', session, 'bHMK', '41'],
      ['close', session],
    ]) {
      assert.equal(
        verify(request('shell', args, owner.sign('portal.shell', step))),
        'envelope does not authorise this request',
      );
    }
    const extra = owner.sign('portal.shell', { ...step, cols: 80 });
    assert.equal(
      verify(request('shell', ['io', session, 'bHMK', '40'], extra)),
      'envelope does not authorise this request',
    );
    const asExec = owner.exec('shell', ['io', session, 'bHMK', '40']);
    assert.equal(
      verify(request('shell', ['io', session, 'bHMK', '40'], asExec)),
      'envelope does not authorise this request',
    );
  });

  it('refuses a request whose agent verb the session certificate does not permit', () => {
    const execOnly = createTestSigner('owner', ['portal.exec']);
    assert.equal(execOnly.owner, owner.owner, 'the same owner, another certificate');
    assert.equal(
      verify(request('ping', [], execOnly.exec('ping'))),
      'envelope refused: scramble.not-permitted (agent.ping)',
    );
    const pingOnly = createTestSigner('owner', ['portal.exec', 'agent.ping']);
    assert.equal(verify(request('ping', [], pingOnly.exec('ping'))), undefined);
    assert.match(verify(request('hostname', [], pingOnly.exec('hostname'))) ?? '', /agent\.hostname/);
  });

  it('refuses an envelope for another instance or another host', () => {
    const other = owner.sign('portal.exec', { name: 'other', verb: 'ping', args: [] });
    assert.equal(verify(request('ping', [], other)), 'envelope is for another portal instance');
    const elsewhere = owner.exec('ping', [], { target: `h${'c'.repeat(26)}` });
    assert.equal(verify(request('ping', [], elsewhere)), 'envelope refused: scramble.wrong-target');
  });

  it('refuses a request that differs from what was signed', () => {
    const mismatches: AgentRequest[] = [
      request('hostname', [], owner.exec('ping')),
      request('run', ['/usr/bin/id', '-u'], owner.exec('run', ['/usr/bin/id'])),
      request('run', ['/usr/bin/id'], owner.exec('run', ['/usr/bin/id', '-u'])),
      request('run', ['/usr/bin/id', 'b', 'a'], owner.exec('run', ['/usr/bin/id', 'a', 'b'])),
      request('status', ['x'], owner.sign('portal.status', { name: TEST_BOOT.instance })),
      request('ping', [], owner.sign('portal.status', { name: TEST_BOOT.instance })),
      request('status', [], owner.sign('portal.down', { name: TEST_BOOT.instance })),
      request('ping', [], owner.sign('portal.up', { name: TEST_BOOT.instance, formula: 'x' })),
      request('ping', [], owner.sign('portal.exec', { name: TEST_BOOT.instance, verb: 'ping', args: null })),
      request('ping', [], owner.sign('portal.exec', [TEST_BOOT.instance])),
    ];
    for (const req of mismatches) {
      assert.equal(verify(req), 'envelope does not authorise this request', req.verb);
    }
  });

  it('refuses expired, foreign, tampered and oversized envelopes, naming the scramble code', () => {
    const auth = owner.exec('ping');
    assert.equal(verify(request('ping', [], auth), TEST_NOW + 60_001), 'envelope refused: scramble.expired');
    assert.equal(verify(request('ping', [], stranger.exec('ping'))), 'envelope refused: scramble.untrusted');
    const bytes = Buffer.from(auth, 'base64url');
    const sigAt = bytes.lastIndexOf('"sig":"') + 8;
    bytes[sigAt] = bytes[sigAt] === 0x41 ? 0x42 : 0x41;
    const tampered = bytes.toString('base64url');
    assert.equal(verify(request('ping', [], tampered)), 'envelope refused: scramble.bad-signature');
    const huge = owner.exec('run', ['/usr/bin/id', ...Array(17).fill('x'.repeat(4000))]);
    assert.equal(verify(request('run', [], huge)), 'envelope refused: scramble.too-large');
    assert.equal(verify(request('ping', [], 'bm90IGFuIGVudmVsb3Bl')), 'envelope refused: scramble.decode');
  });

  it('refuses a request without an envelope, and every request when it has no owner', () => {
    assert.equal(verify(request('ping', [])), 'the request carries no envelope');
    const closed = createAuthenticator(undefined);
    assert.equal(
      refusal(closed.verify(request('ping', [], owner.exec('ping')), TEST_NOW)),
      'this agent has no owner configured',
    );
  });

  it('accepts each envelope once, until it expires', () => {
    const authenticator = createAuthenticator(trust);
    const auth = owner.exec('ping');
    assert.equal(refusal(authenticator.verify(request('ping', [], auth), TEST_NOW)), undefined);
    assert.equal(
      refusal(authenticator.verify(request('ping', [], auth), TEST_NOW + 1)),
      'envelope refused: scramble.replay',
    );
    assert.equal(
      refusal(authenticator.verify(request('ping', [], owner.exec('ping')), TEST_NOW + 2)),
      undefined,
    );
    const late = TEST_NOW + 60_001;
    assert.equal(
      refusal(authenticator.verify(request('ping', [], auth), late)),
      'envelope refused: scramble.expired',
    );
    // A refused request spends nothing: the same envelope still serves the request it was signed for.
    const run = owner.exec('run', ['/usr/bin/id']);
    assert.match(
      refusal(authenticator.verify(request('run', [], run), TEST_NOW)) ?? '',
      /does not authorise/,
    );
    assert.equal(refusal(authenticator.verify(request('run', ['/usr/bin/id'], run), TEST_NOW)), undefined);
  });

  it('never echoes the envelope or the arguments', () => {
    const secret = 'hunter2-secret-argument';
    const auth = owner.exec('run', ['/usr/bin/id', secret], { target: 'elsewhere' });
    for (const req of [
      request('run', ['/usr/bin/id', secret], auth),
      request('run', [secret], owner.exec('run')),
    ]) {
      const reason = verify(req) ?? '';
      assert.ok(!reason.includes(secret) && !reason.includes(auth.slice(0, 16)), reason);
    }
  });
});
