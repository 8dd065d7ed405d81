/**
 * @module The daemon's portal network namespace: created on demand with one bridge per portal network and
 * no address anywhere (the host has no leg on any portal network), tap devices for each NIC, owned by the
 * QEMU account and isolated from each other unless they belong to a router, and nothing left behind when a
 * portal goes. Every command is an argv array; state is read back with `ip -j`.
 */
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';

/** The portal networks that get a bridge. */
export const BRIDGED_NETWORKS = ['universe', 'galaxy', 'star', 'app'] as const;

const LINKS = z.array(z.object({ ifname: z.string(), ifindex: z.number().int().positive() }).passthrough());

/** One interface as `ip -j link show` reports it. */
export interface LinkInfo {
  readonly ifname: string;
  readonly ifindex: number;
}

/** Names of the namespaces that exist. */
export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['-j', 'netns', 'list']);
  const text = stdout.toString().trim();
  if (text === '') return [];
  return z
    .array(z.object({ name: z.string() }).passthrough())
    .parse(JSON.parse(text))
    .map((n) => n.name);
}

/** The interfaces inside a namespace. */
export async function listLinks(namespace: string): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['-n', namespace, '-j', 'link', 'show']);
  return LINKS.parse(JSON.parse(stdout.toString())).map((link) => link.ifname);
}

/**
 * One interface of a namespace (null: the host's own), or undefined when `ip` says there is none; a missing
 * `ip` or a refusal is reported as itself.
 */
export async function findLink(namespace: string | null, name: string): Promise<LinkInfo | undefined> {
  const args = [...(namespace === null ? [] : ['-n', namespace]), '-j', 'link', 'show', name];
  const shown = await runCommand('ip', args).catch((error: unknown) => {
    if (error instanceof MvError && error.code === 'host.command-failed') return undefined;
    throw error;
  });
  return shown && LINKS.parse(JSON.parse(shown.stdout.toString()))[0];
}

/** Creates the namespace and its bridges if they are missing (idempotent). */
export async function ensureNamespace(namespace: string): Promise<void> {
  if (!(await listNamespaces()).includes(namespace)) {
    await runCommand('ip', ['netns', 'add', namespace]);
    await runCommand('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
    // Portal networks are IPv4 only: no IPv6 addresses or router solicitations on any bridge or tap.
    await runCommand('ip', [
      'netns',
      'exec',
      namespace,
      'sysctl',
      '-q',
      '-w',
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
    ]);
  }
  const links = new Set(await listLinks(namespace));
  for (const network of BRIDGED_NETWORKS) {
    const bridge = `br-${network}`;
    if (!links.has(bridge)) await createBridge(namespace, bridge);
  }
}

/** Creates a bridge in the namespace and brings it up: no STP and no forwarding delay (ports work at once). */
export async function createBridge(namespace: string, bridge: string): Promise<void> {
  await runCommand('ip', [
    '-n',
    namespace,
    'link',
    'add',
    bridge,
    'type',
    'bridge',
    'stp_state',
    '0',
    'forward_delay',
    '0',
  ]);
  await runCommand('ip', ['-n', namespace, 'link', 'set', bridge, 'up']);
}

/** Creates a tap owned by the QEMU account, enslaved to a bridge; members are isolated from each other. */
export async function createTap(
  namespace: string,
  tap: { name: string; bridge: string; owner: { uid: number; gid: number }; isolated: boolean },
): Promise<void> {
  await runCommand('ip', [
    '-n',
    namespace,
    'tuntap',
    'add',
    'dev',
    tap.name,
    'mode',
    'tap',
    'user',
    String(tap.owner.uid),
    'group',
    String(tap.owner.gid),
  ]);
  await runCommand('ip', ['-n', namespace, 'link', 'set', tap.name, 'master', tap.bridge, 'up']);
  // Isolated ports reach only non-isolated ones (the network's router), never each other.
  await runCommand('ip', [
    'netns',
    'exec',
    namespace,
    'bridge',
    'link',
    'set',
    'dev',
    tap.name,
    'isolated',
    tap.isolated ? 'on' : 'off',
  ]);
}

/** Removes a tap if it exists. */
export async function deleteTap(namespace: string, tap: string): Promise<void> {
  if ((await listLinks(namespace)).includes(tap))
    await runCommand('ip', ['-n', namespace, 'link', 'del', tap]);
}

/** Loads an nftables ruleset into the namespace atomically (`nft -f` applies all of it or nothing). */
export async function applyRuleset(namespace: string, ruleset: string): Promise<void> {
  await runCommand('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], {
    input: new TextEncoder().encode(ruleset),
  }).catch((error: unknown) => {
    if (!(error instanceof MvError) || error.code !== 'host.command-failed') throw error;
    // nft applies a file all or nothing: the rules that were there before still hold.
    throw new MvError('net.apply-failed', `The portal network rules did not load: ${error.message}`, {
      hint: `The previous rules stay in force. See what is loaded: ip netns exec ${namespace} nft list ruleset`,
      cause: error,
    });
  });
}

/** Removes the namespace (and every bridge and tap in it). */
export async function deleteNamespace(namespace: string): Promise<void> {
  if ((await listNamespaces()).includes(namespace)) await runCommand('ip', ['netns', 'del', namespace]);
}
