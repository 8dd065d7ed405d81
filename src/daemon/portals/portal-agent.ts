/**
 * @module Talks to a running portal's agent for `exec`, `status` and `shell`. The daemon keeps one open
 * connection per portal while requests keep coming and sends them over it one at a time: QEMU serves one
 * agent connection at a time, and a guest whose host hangs up sees end of file and looks again only every
 * 100 ms (agent/guest/read-loop.ts), which a connection per request paid on every call. The connection is
 * closed after `IDLE_RELEASE_MS` without a request, and before the portal is stopped (the agent's
 * `poweroff` opens its own), so the port is free for another client; it is replaced when the portal's QEMU
 * is a new process or the old connection broke. Verbs are checked against the formula's list
 * before anything reaches the guest (the guest checks again: it trusts nobody either).
 */
import { type AgentClient, connectAgent } from '../../agent/host/index.js';
import { MvError } from '../../errors/index.js';
import { AGENT_VERBS, type AgentVerb, isAgentVerb } from '../../guest-abi/index.js';
import { portsOfInstance } from '../../plan/index.js';
import type { PortalRecord } from '../state/portal-store.js';
import { requireAllowed } from './portal-lifecycle.js';

type AgentRequest = { readonly verb: string; readonly args: readonly string[]; readonly auth: string };

/** Checks a request against the portal's state and formula, throwing at once. */
function checkRequest(record: PortalRecord, verb: string): asserts verb is AgentVerb {
  requireAllowed(record, 'agent');
  if (!isAgentVerb(verb)) {
    throw new MvError('agent.unknown-verb', `"${verb}" is not an agent verb`, {
      hint: `Verbs: ${AGENT_VERBS.join(', ')}.`,
    });
  }
  if (!record.manifest.agent.verbs.includes(verb)) {
    throw new MvError('agent.verb-not-allowed', `Portal "${record.name}" does not accept "${verb}"`, {
      hint: `Its formula allows: ${record.manifest.agent.verbs.join(', ')}.`,
    });
  }
}

/** How long a connection stays open without a request: longer than the pause between keystroke batches. */
export const IDLE_RELEASE_MS = 2_000;

/** The open connection to one portal's agent, the QEMU process it goes to, and when it closes unused. */
interface Link {
  readonly pid: number | null;
  readonly client: Promise<AgentClient>;
  idle?: NodeJS.Timeout;
}

/** The daemon's way to the portals' agents: one connection and one queue per portal. */
export class PortalAgents {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly links = new Map<string, Link>();

  constructor(private readonly idleReleaseMs = IDLE_RELEASE_MS) {}

  /**
   * Sends one agent request to a ready portal, after every earlier request to it, with the user's signed
   * envelope (`auth`) that authorises it: the agent verifies that itself.
   */
  request(record: PortalRecord, request: AgentRequest, timeoutMs = 40_000): Promise<unknown> {
    const { verb, args, auth } = request;
    checkRequest(record, verb);
    const task = async () => (await this.client(record)).request(verb, args, { timeoutMs, auth });
    const previous = this.queues.get(record.name) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.queues.set(record.name, tail);
    void tail.then(() => {
      if (this.queues.get(record.name) !== tail) return;
      this.queues.delete(record.name);
      this.releaseWhenIdle(record.name);
    });
    return next;
  }

  /** Closes the connection to a portal's agent (before it is stopped); a later request opens a new one. */
  release(name: string): void {
    const link = this.links.get(name);
    this.links.delete(name);
    clearTimeout(link?.idle);
    void link?.client.then(
      (client) => client.close(),
      () => undefined,
    );
  }

  private releaseWhenIdle(name: string): void {
    const link = this.links.get(name);
    if (link === undefined) return;
    clearTimeout(link.idle);
    link.idle = setTimeout(() => {
      if (this.links.get(name) === link && !this.queues.has(name)) this.release(name);
    }, this.idleReleaseMs).unref();
  }

  /** The open connection to the portal's current QEMU, opened when there is none. */
  private async client(record: PortalRecord): Promise<AgentClient> {
    const known = this.links.get(record.name);
    clearTimeout(known?.idle);
    if (known?.pid === record.pid) {
      const client = await known.client.catch(() => undefined);
      if (client?.isOpen()) return client;
    }
    this.release(record.name);
    const { agent: port } = portsOfInstance(record.manifest, record.instance);
    const client = connectAgent(port.path, { timeoutMs: 5_000 });
    this.links.set(record.name, { pid: record.pid, client });
    return client;
  }
}
