/**
 * @module The small verbs: `ping`, `hostname` and `poweroff`. `poweroff` answers first and only then syncs
 * and powers off, so the host sees the acknowledgement before the portal goes away.
 */
import { MvError } from '../../../errors/index.js';
import { expectAtMost, runChecked, type VerbHandler } from '../verb-handler.js';

/** Where Linux keeps the hostname; writing it sets it. */
export const HOSTNAME_FILE = '/proc/sys/kernel/hostname';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `ping` → "pong". */
export const ping: VerbHandler = async (args) => {
  expectAtMost(args, 0, 'ping');
  return { result: 'pong' };
};

/** `hostname [name]` → `{hostname}`, setting it first when a DNS label is given. */
export const hostname: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 1, 'hostname [name]');
  const [name] = args;
  if (name !== undefined) {
    if (!DNS_LABEL.test(name)) {
      throw new MvError(
        'agent.bad-args',
        'Hostname must be a DNS label: a-z, 0-9 and "-", at most 63 characters',
      );
    }
    await system.writeFile(HOSTNAME_FILE, name);
  }
  return { result: { hostname: (await system.readFile(HOSTNAME_FILE)).trim() } };
};

/** `poweroff` → `{poweringOff: true}`; after the reply: sync, then an immediate power-off. */
export const poweroff: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 0, 'poweroff');
  return {
    result: { poweringOff: true },
    afterReply: async () => {
      try {
        await runChecked(system, ['/bin/busybox', 'sync']);
      } finally {
        // A failed sync must not keep the portal running once the host has been told it is stopping.
        await runChecked(system, ['/bin/busybox', 'poweroff', '-f']);
      }
    },
  };
};
