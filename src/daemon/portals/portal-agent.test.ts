import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestSigner, type FakeGuest, serveFakeGuest } from '../../../test/support/fake-guest.js';
import { portalRecord } from '../../../test/support/portal-record.js';
import { MvError } from '../../errors/index.js';
import type { AgentVerb } from '../../guest-abi/index.js';
import { runFiles } from '../../instance/index.js';
import type { PortalState } from '../../protocol/index.js';
import type { PortalRecord } from '../state/portal-store.js';
import { PortalAgents } from './portal-agent.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-portal-agent-'));
const guests: FakeGuest[] = [];
after(async () => {
  await Promise.all(guests.map((guest) => guest.close()));
  rmSync(dir, { recursive: true, force: true });
});

const signer = createTestSigner('portal-agent');
/** The verbs the tests' formula allows (the guest allows more: the daemon must refuse the rest itself). */
const FORMULA_VERBS: AgentVerb[] = ['ping', 'run'];

/** A request as the daemon sends it, with the owner's envelope for it. */
const request = (verb: string, args: string[] = []) => ({ verb, args, auth: signer.exec(verb, args) });

/** A portal record in `state` whose run folder is a fresh folder under the test's temp dir. */
async function portal(name: string, state: PortalState = 'ready'): Promise<PortalRecord> {
  const record = await portalRecord(name, { state, readyAt: 1_700_000_005_000 });
  const runDir = path.join(dir, name);
  mkdirSync(runDir, { recursive: true });
  return {
    ...record,
    manifest: { ...record.manifest, agent: { ...record.manifest.agent, verbs: FORMULA_VERBS } },
    instance: { ...record.instance, runDir },
  };
}

/** What a portal's fake guest saw: program runs in the order they started and ended. */
interface Guest {
  readonly connections: () => number;
  /** Connections still open. */
  readonly openConnections: () => number;
  readonly events: string[];
  /** Settles once a `/usr/bin/gate` run has started. */
  readonly started: Promise<void>;
  /** Lets the pending `/usr/bin/gate` runs finish. */
  open(): void;
}

/** A real guest agent behind the portal's agent socket, whose `/usr/bin/gate` waits for `open`. */
async function startGuest(record: PortalRecord): Promise<Guest> {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: () => void = () => {};
  const events: string[] = [];
  const guest = await serveFakeGuest(runFiles(record.instance.runDir).agent, signer, {
    '/usr/bin/gate': async () => {
      events.push('gate started');
      started();
      await gate;
      events.push('gate ended');
      return { stdout: 'opened\n' };
    },
    '/usr/bin/echo': (args) => {
      events.push(`echo ${args.join(' ')}`);
      return { stdout: `${args.join(' ')}\n` };
    },
  });
  guests.push(guest);
  return {
    connections: guest.connections,
    openConnections: guest.openConnections,
    events,
    started: new Promise<void>((resolve) => {
      started = resolve;
    }),
    open: () => release(),
  };
}

const failsWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof MvError, `an MvError, not ${String(error)}`);
  assert.equal(error.code, code);
  return true;
};

describe('PortalAgents.request', () => {
  it('sends a request to a ready portal’s agent and returns its result', async () => {
    const record = await portal('plain');
    const guest = await startGuest(record);
    const agents = new PortalAgents();
    assert.equal(await agents.request(record, request('ping')), 'pong');
    assert.deepEqual(await agents.request(record, request('run', ['/usr/bin/echo', 'hi'])), {
      exitCode: 0,
      signal: null,
      stdout: 'hi\n',
      stderr: '',
      truncated: false,
    });
    assert.equal(guest.connections(), 1, 'both requests went over one connection');
  });

  it('opens a new connection after release (a stop) and after the portal’s QEMU changed', async () => {
    const record = await portal('released');
    const guest = await startGuest(record);
    const agents = new PortalAgents();
    assert.equal(await agents.request(record, request('ping')), 'pong');
    agents.release('released');
    assert.equal(await agents.request(record, request('ping')), 'pong');
    assert.equal(guest.connections(), 2);
    assert.equal(await agents.request({ ...record, pid: (record.pid ?? 0) + 1 }, request('ping')), 'pong');
    assert.equal(guest.connections(), 3, 'a restarted portal is a new connection');
    agents.release('released');
  });

  it('closes a connection unused for a while, freeing the port for another client', async () => {
    const record = await portal('idle');
    const guest = await startGuest(record);
    const agents = new PortalAgents(50);
    assert.equal(await agents.request(record, request('ping')), 'pong');
    assert.equal(await agents.request(record, request('ping')), 'pong');
    assert.equal(guest.connections(), 1, 'requests in a row share the connection');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(guest.openConnections(), 0, 'closed once idle');
    assert.equal(await agents.request(record, request('ping')), 'pong');
    assert.equal(guest.connections(), 2);
    agents.release('idle');
  });

  it('refuses at once, sending nothing, a portal that is not ready', async () => {
    const agents = new PortalAgents();
    for (const state of ['starting', 'stopping', 'restarting', 'stopped', 'crashed'] as const) {
      const record = await portal(`not-ready-${state}`, state);
      const guest = await startGuest(record);
      assert.throws(
        () => agents.request(record, request('ping')),
        (error: unknown) => {
          failsWith('portal.wrong-state')(error);
          assert.match((error as MvError).message, new RegExp(`is ${state}, not ready`));
          return true;
        },
      );
      assert.equal(guest.connections(), 0);
    }
  });

  it('refuses at once, sending nothing, a word that is no agent verb', async () => {
    const record = await portal('unknown-verb');
    const guest = await startGuest(record);
    const agents = new PortalAgents();
    assert.throws(
      () => agents.request(record, request('format-disk')),
      (error: unknown) => {
        failsWith('agent.unknown-verb')(error);
        assert.match((error as MvError).hint ?? '', /Verbs: ping, status,/);
        return true;
      },
    );
    assert.equal(guest.connections(), 0);
  });

  it('refuses at once, sending nothing, a verb the formula does not allow (though the guest would)', async () => {
    const record = await portal('not-allowed');
    const guest = await startGuest(record);
    const agents = new PortalAgents();
    assert.throws(
      () => agents.request(record, request('hostname')),
      (error: unknown) => {
        failsWith('agent.verb-not-allowed')(error);
        assert.equal((error as MvError).message, 'Portal "not-allowed" does not accept "hostname"');
        assert.equal((error as MvError).hint, 'Its formula allows: ping, run.');
        return true;
      },
    );
    assert.equal(guest.connections(), 0);
    assert.equal(await agents.request(record, request('ping')), 'pong', 'the refusal held nothing up');
  });

  it('sends one portal’s requests one at a time, without holding up another portal’s', async () => {
    const [busy, other] = await Promise.all([portal('busy'), portal('other')]);
    const busyGuest = await startGuest(busy);
    const otherGuest = await startGuest(other);
    const agents = new PortalAgents();

    const first = agents.request(busy, request('run', ['/usr/bin/gate']));
    const second = agents.request(busy, request('run', ['/usr/bin/echo', 'second']));
    const third = agents.request(busy, request('ping'));
    await busyGuest.started;
    // The other portal answers while the busy one's first request still waits in its guest...
    const elsewhere = await agents.request(other, request('run', ['/usr/bin/echo', 'elsewhere']));
    assert.equal((elsewhere as { stdout: string }).stdout, 'elsewhere\n');
    assert.deepEqual(otherGuest.events, ['echo elsewhere']);
    // ... and the busy portal's later requests have not been sent yet.
    assert.equal(busyGuest.connections(), 1);
    assert.deepEqual(busyGuest.events, ['gate started']);

    busyGuest.open();
    const [opened, echoed, pong] = await Promise.all([first, second, third]);
    assert.equal((opened as { stdout: string }).stdout, 'opened\n');
    assert.equal((echoed as { stdout: string }).stdout, 'second\n');
    assert.equal(pong, 'pong');
    assert.deepEqual(busyGuest.events, ['gate started', 'gate ended', 'echo second']);
    assert.equal(busyGuest.connections(), 1);
  });

  it('goes on with a portal’s queue after a request fails', async () => {
    const record = await portal('failing');
    const agents = new PortalAgents();
    // No agent listens yet: the request cannot connect.
    await assert.rejects(agents.request(record, request('ping')), failsWith('agent.unreachable'));
    const guest = await startGuest(record);
    const refused = agents.request(record, request('run', ['/bin/sh']));
    const later = agents.request(record, request('run', ['/usr/bin/echo', 'after']));
    await assert.rejects(refused, failsWith('agent.command-not-allowed'));
    assert.equal(((await later) as { stdout: string }).stdout, 'after\n');
    assert.deepEqual(guest.events, ['echo after']);
  });
});
