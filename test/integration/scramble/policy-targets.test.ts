import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NOT_ASKED } from '../../../src/daemon/handlers.js';
import { osRandom, type Session } from '../../../src/scramble/host/keyring.js';
import { type JsonValue, newSessionKey, type SessionKey } from '../../../src/scramble/index.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { testRoot, testSession } from '../../support/identity.js';
import { envelopeFor, sendEnvelope, type Verdict } from '../../support/signed-client.js';

const CONSOLE = 'application/console';
const ROUTER = 'service/router/universe';

/** What the daemon's audit log recorded: decision, reason, verb and target. */
function audited(state: string): { decision: string; code: string; verb?: string; target?: string }[] {
  return readFileSync(path.join(state, 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { decision: string; code: string; verb?: string; target?: string });
}

describe('policy means what it says: the targets the daemon derives, per-key limits, agent verbs', {
  timeout: 900_000,
}, () => {
  let daemon: TestDaemon;
  let owner: Session;
  let hostId: string;
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  const policy = (text: string) => writeFileSync(path.join(daemon.state, 'policy.d', '50-test.policy'), text);
  const send = (verb: string, args: JsonValue, key: SessionKey = owner.signing): Promise<Verdict> =>
    sendEnvelope(daemon.socketPath, envelopeFor(key, { target: hostId, verb, args }), owner);
  const keyPermitted = async (permissions: string[]) =>
    newSessionKey(await testRoot(), {
      now: Date.now(),
      lifetimeMs: 3_600_000,
      permissions,
      random: osRandom,
    });

  before(async () => {
    daemon = await startTestDaemon();
    owner = await testSession();
    hostId = (await daemon.call('system.version', {})).hostId;
  });
  after(() => daemon.dispose());

  it('refuses portal.up of a router formula under an allowed name, auditing the formula and the name', async () => {
    policy('portal.up @owner formula=application/* name=app-* allow\nportal.up * * deny\n* @owner * allow\n');
    for (const formula of [ROUTER, 'universe.router.service.portal']) {
      assert.deepEqual(await send('portal.up', { formula, name: 'app-x' }), {
        ok: false,
        code: 'auth.denied',
      });
      const last = audited(daemon.state).at(-1);
      assert.deepEqual(
        [last?.decision, last?.code, last?.verb, last?.target],
        ['deny', 'policy.denied', 'portal.up', `formula=${ROUTER} name=app-x`],
        `${formula}: matched as the node it names`,
      );
    }
    const { portals } = await daemon.call('portal.list', {});
    assert.deepEqual(portals, [], 'nothing started');
  });

  it('caps boots in flight per key and method, whatever names the calls choose', async () => {
    policy('portal.up @owner * allow max-inflight=2\n* @owner * allow\n');
    // The image is built and signed once (by the CLI's up), so the held boots below start at once.
    assert.equal(cli('up', CONSOLE, '--name', 'warm').status, 0);
    assert.equal(cli('down', 'warm').status, 0);
    const names = Array.from({ length: 12 }, (_, i) => `held-${i + 1}`);
    const verdicts = await Promise.all(names.map((name) => send('portal.up', { formula: CONSOLE, name })));
    const limited = verdicts.filter((v) => !v.ok && v.code === 'auth.rate-limited');
    assert.equal(limited.length, 10, JSON.stringify(verdicts.map((v) => (v.ok ? 'ok' : v.code))));
    assert.equal(verdicts.filter((v) => v.ok).length, 2);
    const rateLimited = audited(daemon.state).filter((e) => e.code === 'auth.rate-limited');
    assert.equal(rateLimited.length, 10);
  });

  it('asks agent.status for portal.status: denied, the status shows no agent part, and the refusal is audited', async () => {
    const { portals } = await daemon.call('portal.list', {});
    const ready = portals.find((p) => p.state === 'ready');
    assert.ok(ready, 'a held portal is ready');
    policy('agent.status @owner * deny\n* @owner * allow\n');
    const status = await send('portal.status', { name: ready.name });
    assert.ok(status.ok);
    const result = status.result as { agent: unknown; agentError: string | null; portal: { state: string } };
    assert.deepEqual([result.portal.state, result.agent, result.agentError], ['ready', null, NOT_ASKED]);
    const last = audited(daemon.state).at(-1);
    assert.deepEqual([last?.decision, last?.code, last?.verb], ['deny', 'policy.denied', 'agent.status']);
    policy('* @owner * allow\n');
    const allowed = await send('portal.status', { name: ready.name });
    assert.ok(
      allowed.ok && (allowed.result as { agent: unknown }).agent !== null,
      'granted, the agent answers',
    );
  });

  it('refuses a key certified for portal.exec (and agent.ping) any other agent verb, and down its poweroff', async () => {
    policy('* @owner * allow\n');
    const { portals } = await daemon.call('portal.list', {});
    const ready = portals.filter((p) => p.state === 'ready');
    assert.ok(ready[0]);
    const execOnly = await keyPermitted(['portal.exec', 'agent.ping']);
    assert.equal((await send('portal.exec', { name: ready[0].name, verb: 'ping' }, execOnly)).ok, true);
    const status = await send('portal.exec', { name: ready[0].name, verb: 'status' }, execOnly);
    assert.deepEqual(status, { ok: false, code: 'auth.denied' });
    const last = audited(daemon.state).at(-1);
    assert.deepEqual([last?.code, last?.verb], ['scramble.not-permitted', 'agent.status']);
    // A key that may stop portals but not ask their agents: the stop starts at the ACPI button.
    const downOnly = await keyPermitted(['portal.down']);
    for (const portal of ready) {
      const down = await send('portal.down', { name: portal.name }, downOnly);
      assert.ok(down.ok, JSON.stringify(down));
      const refusal = audited(daemon.state).find(
        (e) => e.verb === 'agent.poweroff' && e.target === portal.name && e.code === 'scramble.not-permitted',
      );
      assert.ok(refusal, `the agent poweroff of ${portal.name} was refused and audited`);
    }
  });
});
