/**
 * @module The verbs the portal agent understands. A formula lists the ones its portal accepts
 * (`agent.verbs`); the agent refuses any other; the CLI completes them.
 * Pure: no I/O, no imports.
 */

export const AGENT_VERBS = [
  'ping',
  'status',
  'hostname',
  'net-config',
  'mount-share',
  'run',
  'poweroff',
  'reset',
  'new-identity',
  'switch-endpoint',
  'shell',
] as const;

/** A verb the agent knows. */
export type AgentVerb = (typeof AGENT_VERBS)[number];

/** Whether a word is an agent verb. */
export function isAgentVerb(word: string): word is AgentVerb {
  return (AGENT_VERBS as readonly string[]).includes(word);
}
