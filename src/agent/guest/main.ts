/**
 * @module Entry point of the portal agent, bundled to one ESM file and run by the guest's node. It reads its
 * configuration and boot identity (failing closed), waits up to 10 s for the agent port to appear, opens it,
 * announces `ready <portalName>` on the status port and serves the requests the owner signed until the
 * portal powers off. Without an agent
 * port it logs why and exits with status 1, leaving restarts to the guest's init.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_PORT, STATUS_PORT } from '../../guest-abi/index.js';
import { createAuthenticator } from './authenticate.js';
import { readAgentConfig } from './config.js';
import { createNodeSystem } from './node-system.js';
import { openPortDevice } from './port-device.js';
import { readPortPath, waitForPort } from './ports.js';
import { runReadLoop } from './read-loop.js';
import { createSession } from './session.js';
import { ShellSessions } from './shell-sessions.js';
import type { GuestSystem } from './system.js';

const USAGE = `usage: node agent.mjs [--help]

The Multiverse portal agent. Serves the host over the virtio-serial port "${AGENT_PORT}",
as configured by /etc/multiverse/agent.json and the kernel command line (multiverse.host=,
multiverse.instance=), and reports readiness on "${STATUS_PORT}". Every request must carry
the owner's signed envelope for it.`;

const PORT_WAIT = { attempts: 20, intervalMs: 500 };

/** How often abandoned and idle shell sessions are looked for. */
const SWEEP_EVERY_MS = 5_000;

const log = (line: string) => console.error(line);

async function main(args: readonly string[]): Promise<number> {
  if (args.length > 0) {
    const help = args.length === 1 && (args[0] === '--help' || args[0] === '-h');
    (help ? console.log : console.error)(USAGE);
    return help ? 0 : 2;
  }
  const system = createNodeSystem();
  const { config, problem } = await readAgentConfig(system);
  if (problem !== undefined) log(`agent: ${problem}; every verb will be refused`);
  const agentPath = await waitForPort(AGENT_PORT, { system, sleep, ...PORT_WAIT });
  if (agentPath === undefined) {
    log(`agent: no virtio-serial port named ${AGENT_PORT} appeared; exiting`);
    return 1;
  }
  const device = await openPortDevice(agentPath);
  announceReady(system, config.portalName).catch((error: unknown) =>
    log(`agent: cannot announce ready: ${error}`),
  );
  const authenticator = createAuthenticator(config.trust);
  const shells = new ShellSessions(system);
  setInterval(() => shells.sweep(system.now()), SWEEP_EVERY_MS).unref();
  const session = createSession({ config, system, shells, authenticator, write: device.write, log });
  await runReadLoop({ read: device.read, session, sleep, log });
  return 0;
}

/** Writes `ready <portalName>` to the status port, which is how the host learns the portal is up. */
async function announceReady(system: GuestSystem, portalName: string): Promise<void> {
  const statusPath = await readPortPath(STATUS_PORT, system);
  if (statusPath === undefined) throw new Error(`no virtio-serial port named ${STATUS_PORT}`);
  await system.writeFile(statusPath, `ready ${portalName}\n`);
}

// The agent must outlive any single bad request: log what escaped and keep serving.
process.on('uncaughtException', (error) => log(`agent: uncaught: ${error.stack ?? error}`));
process.on('unhandledRejection', (reason) => log(`agent: unhandled rejection: ${reason}`));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`agent: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  },
);
