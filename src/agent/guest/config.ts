/**
 * @module The agent's configuration, baked into the image at `/etc/multiverse/agent.json` as
 * `{"portalName", "verbs", "run"}`. Anything missing, unknown or malformed fails closed: the agent then
 * allows no verb at all and says why on stderr, rather than guessing what the image meant.
 */
import { AGENT_VERBS, type AgentVerb, isAgentVerb } from '../protocol.js';
import type { GuestSystem } from './system.js';

/** Where the image builder puts the configuration. */
export const AGENT_CONFIG_PATH = '/etc/multiverse/agent.json';

/** What this portal's agent may do. */
export interface AgentConfig {
  /** Announced on the status port as `ready <portalName>`. */
  readonly portalName: string;
  /** The verbs this portal accepts; every other verb is answered `agent.verb-not-allowed`. */
  readonly verbs: readonly AgentVerb[];
  /** The absolute paths `run` may start, compared exactly. */
  readonly run: readonly string[];
}

/** A configuration and, when it could not be used, why (the configuration is then the closed one). */
export interface LoadedConfig {
  readonly config: AgentConfig;
  readonly problem?: string;
}

/** The configuration of an agent that could not read its own: no verbs, no programs. */
export const CLOSED_CONFIG: AgentConfig = { portalName: 'unconfigured', verbs: [], run: [] };

// Portal names are dotted lower-case labels, such as `firefox.browser.application.portal`.
const PORTAL_NAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const KEYS = 'portalName,run,verbs';

/** Parses the configuration file's text; fails closed with the reason. */
export function parseAgentConfig(text: string): LoadedConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return closed(`${AGENT_CONFIG_PATH} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return closed('not a JSON object');
  const { portalName, verbs, run } = value as Record<string, unknown>;
  if (Object.keys(value).sort().join() !== KEYS) return closed(`keys must be exactly ${KEYS}`);
  if (typeof portalName !== 'string' || !PORTAL_NAME.test(portalName)) {
    return closed('portalName must be a dotted lower-case name');
  }
  if (!isListOf(verbs, isAgentVerb)) {
    return closed(`verbs must be a list of ${AGENT_VERBS.join(', ')}`);
  }
  if (!isListOf(run, isSafeAbsolutePath)) {
    return closed('run must be a list of absolute paths without ".."');
  }
  return { config: { portalName, verbs: verbs as AgentVerb[], run } };
}

/** Reads and parses the configuration file; fails closed when it is missing. */
export async function readAgentConfig(system: GuestSystem): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await system.readFile(AGENT_CONFIG_PATH);
  } catch (error) {
    return closed(`cannot read ${AGENT_CONFIG_PATH} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseAgentConfig(text);
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
