/**
 * @module Talks to a running portal's agent for `exec` and `status`. Requests to one portal are queued,
 * because QEMU serves one agent connection at a time. Verbs are checked against the formula's list before
 * anything reaches the guest (the guest checks again: it trusts nobody either).
 */
import { connectAgent } from '../../agent/host/index.js';
import { MvError } from '../../errors/index.js';
import { AGENT_VERBS, isAgentVerb } from '../../guest-abi/index.js';
import { portsOfInstance } from '../../plan/index.js';
import type { PortalRecord } from '../state/portal-store.js';
import { requireAllowed } from './portal-lifecycle.js';

/** Checks a request against the portal's state and formula (throwing at once), and returns its sending. */
function checkedRequest(
  record: PortalRecord,
  request: { readonly verb: string; readonly args: readonly string[]; readonly auth: string },
  timeoutMs: number,
): () => Promise<unknown> {
  const { verb, args, auth } = request;
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
  return async () => {
    const { agent: port } = portsOfInstance(record.manifest, record.instance);
    const agent = await connectAgent(port.path, { timeoutMs: 5_000 });
    try {
      return await agent.request(verb, args, { timeoutMs, auth });
    } finally {
      agent.close();
    }
  };
}

/** The daemon's way to the portals' agents: one queue per portal, as QEMU serves one connection at a time. */
export class PortalAgents {
  private readonly queues = new Map<string, Promise<unknown>>();

  /**
   * Sends one agent request to a ready portal, after every earlier request to it, with the user's signed
   * envelope (`auth`) that authorises it: the agent verifies that itself.
   */
  request(
    record: PortalRecord,
    request: { readonly verb: string; readonly args: readonly string[]; readonly auth: string },
    timeoutMs = 40_000,
  ): Promise<unknown> {
    const task = checkedRequest(record, request, timeoutMs);
    const previous = this.queues.get(record.name) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.queues.set(record.name, tail);
    void tail.then(() => {
      if (this.queues.get(record.name) === tail) this.queues.delete(record.name);
    });
    return next;
  }
}
