/**
 * @module The agent's configuration, from two places. The image builder bakes
 * `/etc/multiverse/agent.json`, `{"owner", "portalName", "verbs", "run"}`, into the image: `owner` is the
 * Scramble ID whose signed envelopes the agent obeys. The daemon puts this boot's host id and instance name on the kernel command line (see
 * `boot-identity.ts`). Anything missing, unknown or malformed in either fails closed: the agent then
 * authenticates no request and allows no verb, and says why on stderr, rather than guessing what was meant.
 */
import { AGENT_VERBS, type AgentVerb, isAgentVerb } from '../../guest-abi/index.js';
import { KERNEL_CMDLINE_PATH, parseBootIdentity } from './boot-identity.js';
import type { GuestSystem } from './system.js';

/** Where the image builder puts the configuration. */
export const AGENT_CONFIG_PATH = '/etc/multiverse/agent.json';

/** Whose envelopes the agent obeys, and what they must be addressed to. */
export interface AgentTrust {
  /** The owner's Scramble ID (agent.json). */
  readonly owner: string;
  /** The only envelope target accepted: the daemon's host id (kernel command line). */
  readonly hostId: string;
  /** The only portal `name` an envelope may act on (kernel command line). */
  readonly instance: string;
}

/** What this portal's agent may do, and for whom. */
export interface AgentConfig {
  /** Announced on the status port as `ready <portalName>`. */
  readonly portalName: string;
  /** The verbs this portal accepts; every other verb is answered `agent.verb-not-allowed`. */
  readonly verbs: readonly AgentVerb[];
  /** The absolute paths `run` may start, compared exactly. */
  readonly run: readonly string[];
  /** Undefined only in `CLOSED_CONFIG`: every request is then refused `agent.unauthenticated`. */
  readonly trust: AgentTrust | undefined;
}

/** A configuration and, when it could not be used, why (the configuration is then the closed one). */
export interface LoadedConfig {
  readonly config: AgentConfig;
  readonly problem?: string;
}

/** The configuration of an agent that could not read its own: nobody to obey, no verbs, no programs. */
export const CLOSED_CONFIG: AgentConfig = Object.freeze({
  portalName: 'unconfigured',
  verbs: [],
  run: [],
  trust: undefined,
});

// Portal names are dotted lower-case labels, such as `firefox.browser.application.portal`.
const PORTAL_NAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
// A Scramble ID's shape; its checksum is checked when the first envelope is verified against it.
const SCRAMBLE_ID = /^[a-z2-7]{56}$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const KEYS = 'owner,portalName,run,verbs';

/** Parses the configuration file's text and the kernel command line; fails closed with the reason. */
export function parseAgentConfig(text: string, cmdline: string): LoadedConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return closed(`${AGENT_CONFIG_PATH} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return closed('not a JSON object');
  const { owner, portalName, verbs, run } = value as Record<string, unknown>;
  if (Object.keys(value).sort().join() !== KEYS) return closed(`keys must be exactly ${KEYS}`);
  if (typeof owner !== 'string' || !SCRAMBLE_ID.test(owner)) {
    return closed('owner must be a Scramble ID (56 lower-case base32 characters)');
  }
  if (typeof portalName !== 'string' || !PORTAL_NAME.test(portalName)) {
    return closed('portalName must be a dotted lower-case name');
  }
  if (!isListOf(verbs, isAgentVerb)) {
    return closed(`verbs must be a list of ${AGENT_VERBS.join(', ')}`);
  }
  if (!isListOf(run, isSafeAbsolutePath)) {
    return closed('run must be a list of absolute paths without ".."');
  }
  const boot = parseBootIdentity(cmdline);
  if (!boot.ok) return closed(boot.problem);
  return { config: { portalName, verbs: verbs as AgentVerb[], run, trust: { owner, ...boot.identity } } };
}

/** Reads and parses the configuration file and the kernel command line; fails closed when one is missing. */
export async function readAgentConfig(system: GuestSystem): Promise<LoadedConfig> {
  let text: string;
  let cmdline: string;
  try {
    text = await system.readFile(AGENT_CONFIG_PATH);
  } catch (error) {
    return unreadable(AGENT_CONFIG_PATH, error);
  }
  try {
    cmdline = await system.readFile(KERNEL_CMDLINE_PATH);
  } catch (error) {
    return unreadable(KERNEL_CMDLINE_PATH, error);
  }
  return parseAgentConfig(text, cmdline);
}

function unreadable(path: string, error: unknown): LoadedConfig {
  return closed(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`);
}

function closed(problem: string): LoadedConfig {
  return { config: CLOSED_CONFIG, problem: `agent configuration refused: ${problem}` };
}

function isListOf(value: unknown, accept: (item: string) => boolean): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && accept(item));
}

function isSafeAbsolutePath(path: string): boolean {
  return ABSOLUTE_PATH.test(path) && !path.split('/').includes('..');
}
