/**
 * @module Stops a QEMU process politely, then less so, each step with its own timeout: the agent's
 * `poweroff` (the guest syncs and powers off), QMP `system_powerdown` (the ACPI button), QMP `quit`, and
 * finally SIGKILL. `force` starts at `quit`.
 */
import { connectAgent } from '../../agent/host/index.js';
import { MvError } from '../../errors/index.js';
import { quit, systemPowerdown } from '../../qemu/index.js';
import type { PortalMonitor } from './monitor.js';

/** Step timeouts in ms. */
export const STOP_TIMEOUTS = { agent: 15_000, powerdown: 10_000, quit: 5_000, kill: 5_000 } as const;

/** How the process ended up stopped, for the record. */
export type StopStep = 'agent-poweroff' | 'acpi-powerdown' | 'qmp-quit' | 'sigkill' | 'already-gone';

/** Stops the process behind `monitor`; returns the step that worked. */
export async function stopQemu(
  monitor: PortalMonitor,
  options: {
    pid: number;
    agentSocket: string;
    force: boolean;
    /** The owner's signed `portal.down` envelope, which the agent requires before it powers off. */
    auth?: string | undefined;
    log: (line: string) => void;
  },
): Promise<StopStep> {
  if (!monitor.isAlive()) return 'already-gone';
  if (!options.force) {
    const auth = options.auth;
    if (
      auth &&
      (await attempt(options.log, 'agent poweroff', () => agentPoweroff(options.agentSocket, auth)))
    ) {
      if (await monitor.waitGone(STOP_TIMEOUTS.agent)) return 'agent-poweroff';
    }
    const qmp = await monitor.connect(2_000).catch(() => undefined);
    if (
      qmp &&
      (await attempt(options.log, 'system_powerdown', () => systemPowerdown(qmp, { timeoutMs: 2_000 })))
    ) {
      if (await monitor.waitGone(STOP_TIMEOUTS.powerdown)) return 'acpi-powerdown';
    }
  }
  const qmp = await monitor.connect(2_000).catch(() => undefined);
  if (qmp && (await attempt(options.log, 'quit', () => quit(qmp, { timeoutMs: 2_000 })))) {
    if (await monitor.waitGone(STOP_TIMEOUTS.quit)) return 'qmp-quit';
  }
  try {
    process.kill(options.pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  if (await monitor.waitGone(STOP_TIMEOUTS.kill)) return 'sigkill';
  throw new MvError('portal.stop-timeout', `QEMU (pid ${options.pid}) survived SIGKILL`, {
    hint: 'The process may be stuck in the kernel; check it with ps and try "portalgun down --force" again.',
  });
}

async function agentPoweroff(socket: string, auth: string): Promise<void> {
  const agent = await connectAgent(socket, { timeoutMs: 3_000 });
  try {
    await agent.request('poweroff', [], { timeoutMs: 3_000, auth });
  } finally {
    agent.close();
  }
}

async function attempt(
  log: (line: string) => void,
  what: string,
  step: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    log(`${what} did not work: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
