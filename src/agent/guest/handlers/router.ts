/**
 * @module The router verbs. `reset` brings the hop up again with the image's router-up.sh (ruleset, then
 * Tor or the tunnel), undoing any `switch-endpoint`; `new-identity` asks star's Tor for fresh circuits on its
 * control socket; `switch-endpoint <a.b.c.d:port> <public key>` points galaxy's tunnel at another VPN server
 * with the image's switch-endpoint.sh, after the arguments have been checked here. On a portal without the
 * script a verb needs, the verb is refused as `agent.not-applicable`.
 */
import { MvError } from '../../../errors/index.js';
import { ROUTER_PATHS, ROUTER_STATES, TOR_RUN } from '../../../guest-abi/index.js';
import { isWireguardKey, parseWireguardEndpoint } from '../../../net/wireguard.js';
import type { GuestSystem } from '../system.js';
import { expectAtMost, spawnOrFail, type VerbHandler } from '../verb-handler.js';

/** Where the router image keeps what the verbs use. */
export const ROUTER_FILES = {
  up: ROUTER_PATHS.up,
  switchEndpoint: ROUTER_PATHS.switchEndpoint,
  torControl: TOR_RUN.controlSocket,
} as const;

/** How long Tor may take to answer on its control socket. */
const TOR_CONTROL_TIMEOUT_MS = 5_000;

/** `reset` → `{state: "up"}`, or `agent.command-failed` naming the state the hop is in instead. */
export const reset: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 0, 'reset');
  return { result: { state: await runRouterScript(system, ROUTER_FILES.up, [], 'reset') } };
};

/** `new-identity` → `{newnym: true}`: Tor builds new circuits for every new connection from now on. */
export const newIdentity: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 0, 'new-identity');
  await requireFile(system, TOR_RUN.dir, 'control', 'new-identity', 'star (Tor) routers');
  const reply = await system
    .converse(ROUTER_FILES.torControl, 'AUTHENTICATE\r\nSIGNAL NEWNYM\r\nQUIT\r\n', TOR_CONTROL_TIMEOUT_MS)
    .catch((error: Error) => {
      throw new MvError('agent.command-failed', `Tor's control socket did not answer: ${error.message}`);
    });
  const codes = reply.split('\r\n').filter(Boolean);
  if (codes[0] !== '250 OK' || codes[1] !== '250 OK') {
    throw new MvError(
      'agent.command-failed',
      `Tor refused new circuits: ${codes.join(' / ') || 'no answer'}`,
    );
  }
  return { result: { newnym: true } };
};

/** `switch-endpoint <a.b.c.d:port> <public key>` → `{endpoint, state: "up"}`. */
export const switchEndpoint: VerbHandler = async (args, { system }) => {
  const usage = 'Usage: switch-endpoint <a.b.c.d:port> <WireGuard public key>';
  const [text = '', key = ''] = args;
  const endpoint = parseWireguardEndpoint(text);
  if (args.length !== 2 || !endpoint) throw new MvError('agent.bad-args', usage);
  if (!isWireguardKey(key)) {
    throw new MvError('agent.bad-args', `${usage} (the key must be 44 characters of base64)`);
  }
  const argv = [endpoint.address, String(endpoint.port), key];
  const state = await runRouterScript(system, ROUTER_FILES.switchEndpoint, argv, 'switch-endpoint');
  return { result: { endpoint: text, state } };
};

async function runRouterScript(
  system: GuestSystem,
  script: string,
  args: readonly string[],
  verb: string,
): Promise<string> {
  const [dir = '', name = ''] = splitPath(script);
  await requireFile(system, dir, name, verb, 'routers');
  const result = await spawnOrFail(system, { file: script, args });
  const state = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.exitCode !== 0 || state !== ROUTER_STATES.up) {
    // Agent failures carry a code and a message only (no hint field on the wire): say where to look here.
    throw new MvError(
      'agent.command-failed',
      `${verb}: the hop is not up (${state || 'no state'}); the output of tor, wg, ip and nft is in ${ROUTER_PATHS.log} in the portal`,
    );
  }
  return state;
}

async function requireFile(
  system: GuestSystem,
  dir: string,
  name: string,
  verb: string,
  who: string,
): Promise<void> {
  const names = await system.listDir(dir).catch(() => [] as string[]);
  if (!names.includes(name)) {
    throw new MvError(
      'agent.not-applicable',
      `${verb} applies only to ${who}; this portal has no ${dir}/${name}`,
    );
  }
}

function splitPath(file: string): [string, string] {
  const slash = file.lastIndexOf('/');
  return [file.slice(0, slash), file.slice(slash + 1)];
}
