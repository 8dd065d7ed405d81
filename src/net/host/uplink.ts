/**
 * @module The universe router's uplink in `netns` mode: a veth pair from the portal namespace into a
 * namespace the owner connects to the LAN (its end is named `mv-uplink` there), bridged on the portal side
 * with the router's uplink tap. Nothing is configured on the LAN side: that namespace is the owner's.
 */
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { createBridge, listLinks, listNamespaces } from './namespace.js';

/** The name of the uplink's end inside the LAN namespace. */
export const LAN_SIDE_NAME = 'mv-uplink';

/** Interface names of one uplink (all inside the portal namespace except the LAN end). */
export interface UplinkNames {
  readonly tap: string;
  readonly veth: string;
  readonly bridge: string;
}

/** Creates the uplink: bridge + veth into `lan` (whose end is `mv-uplink`); the tap is created by the caller. */
export async function createNetnsUplink(
  namespace: string,
  options: { lan: string; names: UplinkNames },
): Promise<void> {
  const { veth, bridge } = options.names;
  if (!(await listNamespaces()).includes(options.lan)) {
    throw new MvError('net.unavailable', `The uplink namespace "${options.lan}" does not exist`, {
      hint: `Create it and connect it to your LAN (ip netns add ${options.lan}), or change the universe router's uplink.`,
    });
  }
  if ((await listLinks(options.lan)).includes(LAN_SIDE_NAME)) {
    throw new MvError(
      'net.uplink-busy',
      `Namespace "${options.lan}" already has an ${LAN_SIDE_NAME} interface`,
      {
        hint: 'Another universe router uses this uplink; stop it first.',
      },
    );
  }
  await createBridge(namespace, bridge);
  await runCommand('ip', [
    '-n',
    namespace,
    'link',
    'add',
    veth,
    'type',
    'veth',
    'peer',
    'name',
    LAN_SIDE_NAME,
    'netns',
    options.lan,
  ]);
  await runCommand('ip', ['-n', namespace, 'link', 'set', veth, 'master', bridge, 'up']);
  await runCommand('ip', ['-n', options.lan, 'link', 'set', LAN_SIDE_NAME, 'up']);
}

/** Removes the uplink's bridge and veth (the LAN end goes with its pair). */
export async function deleteNetnsUplink(namespace: string, names: UplinkNames): Promise<void> {
  const links = await listLinks(namespace).catch(() => [] as string[]);
  if (links.includes(names.veth)) await runCommand('ip', ['-n', namespace, 'link', 'del', names.veth]);
  if (links.includes(names.bridge)) await runCommand('ip', ['-n', namespace, 'link', 'del', names.bridge]);
}
