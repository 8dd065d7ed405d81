/**
 * @module `net-config`: lists the interfaces, or with `set <iface> <cidr> [gateway]` brings the interface up,
 * replaces its address and the default route with busybox `ip` (argv arrays, never a shell), then lists them.
 */
import { MvError } from '../../../errors/index.js';
import { IP_PROGRAM, parseIpAddrShow, parseNetSettings, renderNetCommands } from '../net.js';
import type { GuestSystem } from '../system.js';
import { runChecked, type VerbHandler } from '../verb-handler.js';

const USAGE = 'net-config [set <iface> <a.b.c.d/prefix> [gateway]]';

/** `net-config [set …]` → `{interfaces: [{name, mac, up, addresses}]}`. */
export const netConfig: VerbHandler = async (args, { system }) => {
  const [action, ...rest] = args;
  if (action === 'set') {
    const settings = parseNetSettings(rest);
    for (const command of renderNetCommands(settings)) await runChecked(system, [IP_PROGRAM, ...command]);
  } else if (action !== undefined) {
    throw new MvError('agent.bad-args', `Usage: ${USAGE}`);
  }
  return { result: { interfaces: await readInterfaces(system) } };
};

async function readInterfaces(system: GuestSystem) {
  return parseIpAddrShow(await runChecked(system, [IP_PROGRAM, 'addr', 'show']));
}
