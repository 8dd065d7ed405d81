/**
 * @module The verbs this agent implements: every verb of the protocol. A verb missing here would be answered
 * `agent.unknown-verb` even when the portal allows it.
 */
import type { AgentVerb } from '../../../guest-abi/index.js';
import type { VerbHandler } from '../verb-handler.js';
import { hostname, ping, poweroff } from './basic.js';
import { mountShare } from './mount-share.js';
import { netConfig } from './net-config.js';
import { newIdentity, reset, switchEndpoint } from './router.js';
import { run } from './run.js';
import { shell } from './shell.js';
import { status } from './status.js';

/** Handler per implemented verb. */
export const VERB_HANDLERS: Readonly<Partial<Record<AgentVerb, VerbHandler>>> = {
  ping,
  status,
  hostname,
  'net-config': netConfig,
  'mount-share': mountShare,
  run,
  poweroff,
  reset,
  'new-identity': newIdentity,
  'switch-endpoint': switchEndpoint,
  shell,
};
