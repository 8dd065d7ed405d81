/**
 * @module Talks to a running portal's agent for `exec` and `status`. Requests to one portal are queued,
 * because QEMU serves one agent connection at a time. Verbs are checked against the formula's list before
 * anything reaches the guest (the guest checks again: it trusts nobody either).
 */
import { connectAgent } from '../agent/host/agent-client.js';
import { MvError } from '../errors/index.js';
import { AGENT_VERBS, isAgentVerb } from '../guest-abi/index.js';
import { runFiles } from '../instance/index.js';
import { requireAllowed } from './portal-lifecycle.js';
import type { PortalRecord } from './state/portal-store.js';

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier request to the same portal has finished. */
function queued<T>(name: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(name) ?? Promise.resolve();
  const next = previous.then(task, task);
  queues.set(
    name,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Sends one agent request to a ready portal, with the user's signed envelope (`auth`) that authorises it:
 * the agent verifies that itself.
 */
export function agentRequest(
  record: PortalRecord,
  request: { readonly verb: string; readonly args: readonly string[]; readonly auth: string },
  timeoutMs = 40_000,
): Promise<unknown> {
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
  return queued(record.name, async () => {
    const agent = await connectAgent(runFiles(record.instance.runDir).agent, { timeoutMs: 5_000 });
    try {
      return await agent.request(verb, args, { timeoutMs, auth });
    } finally {
      agent.close();
    }
  });
}
