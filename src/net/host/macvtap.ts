/**
 * @module The universe router's uplink in `macvtap` mode: a macvtap link on the LAN interface (one in the
 * host's root namespace, or `<namespace>/<interface>` for a NIC kept in a namespace of its own), made with the
 * router's uplink MAC and moved into the portal namespace, where QEMU runs. The host's own stack has no leg
 * on it: a lower device never talks to its macvtap children. QEMU cannot open a macvtap by name, so the
 * daemon makes the tap's character device in a folder only root can write and hands QEMU an open descriptor.
 */
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { findLink } from './namespace.js';

/** The namespace (null: the root namespace) and interface of a macvtap uplink's `device`. */
function parseMacvtapDevice(device: string): { namespace: string | null; link: string } {
  const [first, second] = device.split('/');
  return second === undefined
    ? { namespace: null, link: first ?? '' }
    : { namespace: first ?? '', link: second };
}

function ipIn(namespace: string | null, args: string[]): string[] {
  return namespace === null ? args : ['-n', namespace, ...args];
}

/**
 * Creates the macvtap `name` on `device`, moves it into `namespace` and makes its character device at
 * `node`. Throws `net.unavailable` when the LAN interface does not exist.
 */
export async function createMacvtapUplink(
  namespace: string,
  options: { device: string; name: string; mac: string; node: string },
): Promise<void> {
  const lower = parseMacvtapDevice(options.device);
  if (!(await findLink(lower.namespace, lower.link))) {
    throw new MvError('net.unavailable', `The uplink interface "${options.device}" does not exist`, {
      hint: 'Name the LAN interface in uplink.device (<interface>, or <namespace>/<interface>), or pick another uplink mode.',
    });
  }
  await runCommand(
    'ip',
    ipIn(lower.namespace, [
      'link',
      'add',
      'link',
      lower.link,
      'name',
      options.name,
      'address',
      options.mac,
      'type',
      'macvtap',
      'mode',
      'bridge',
    ]),
  );
  try {
    await runCommand('ip', ipIn(lower.namespace, ['link', 'set', options.name, 'netns', namespace]));
    await runCommand('ip', ['-n', namespace, 'link', 'set', options.name, 'up']);
    const moved = await findLink(namespace, options.name);
    if (!moved) {
      throw new MvError('net.apply-failed', `The macvtap ${options.name} did not arrive in ${namespace}`, {
        hint: 'Check that the kernel has the macvtap module (modprobe macvtap) and try again.',
      });
    }
    const { ifindex } = moved;
    // sysfs shows a namespace's own devices only from inside it.
    const dev = await runCommand('ip', [
      'netns',
      'exec',
      namespace,
      'cat',
      `/sys/class/net/${options.name}/macvtap/tap${ifindex}/dev`,
    ]);
    const [major, minor] = dev.stdout.toString().trim().split(':');
    await runCommand('mknod', ['-m', '0600', options.node, 'c', major ?? '', minor ?? '']);
  } catch (error) {
    // Half made: the link is in the portal namespace, or still beside the NIC if the move failed.
    await deleteMacvtapUplink(namespace, options.name);
    await runCommand('ip', ipIn(lower.namespace, ['link', 'del', options.name])).catch(() => undefined);
    throw error;
  }
}

/** Removes the macvtap from the portal namespace (its tap device goes with it). */
export async function deleteMacvtapUplink(namespace: string, name: string): Promise<void> {
  if (await findLink(namespace, name)) await runCommand('ip', ['-n', namespace, 'link', 'del', name]);
}
