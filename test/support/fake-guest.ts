/**
 * @module A portal's agent for host-side unit tests: the real guest session, handlers and authentication
 * served on a unix socket, on a fake guest system whose programs are the test's functions. It lives here,
 * not in the tests, because the daemon's code may reach the agent's guest half only through this door
 * (see `.dependency-cruiser.cjs`).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createTestSigner, TEST_BOOT, type TestSigner } from '../../src/agent/_test-envelopes.js';
import { createAuthenticator } from '../../src/agent/guest/authenticate.js';
import type { AgentConfig } from '../../src/agent/guest/config.js';
import { createFakeSystem, type FakeProgram } from '../../src/agent/guest/fake-system.js';
import { createSession } from '../../src/agent/guest/session.js';
import { ShellSessions } from '../../src/agent/guest/shell-sessions.js';
import { AGENT_VERBS } from '../../src/guest-abi/index.js';

export { createTestSigner, TEST_BOOT, type TestSigner };

/** A fake guest agent listening on a socket. */
export interface FakeGuest {
  readonly server: Server;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Connections still open. */
  readonly openConnections: () => number;
  /** Stops listening and drops open connections, as a powered-off guest. */
  readonly close: () => Promise<void>;
}

/**
 * Serves a guest agent on `socketPath` that trusts `signer`'s envelopes for `TEST_BOOT`, accepts every verb
 * but poweroff, and runs the given `programs` (only they are on its run list).
 */
export async function serveFakeGuest(
  socketPath: string,
  signer: TestSigner,
  programs: Readonly<Record<string, FakeProgram>>,
): Promise<FakeGuest> {
  const config: AgentConfig = {
    portalName: 'test.portal',
    verbs: AGENT_VERBS.filter((verb) => verb !== 'poweroff'),
    run: Object.keys(programs),
    trust: { owner: signer.owner, ...TEST_BOOT },
  };
  const system = createFakeSystem({ '/proc/sys/kernel/hostname': 'portal\n' }, programs);
  const authenticator = createAuthenticator(config.trust);
  const shells = new ShellSessions(system);
  let connections = 0;
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    const session = createSession({
      config,
      system,
      shells,
      authenticator,
      log: () => {},
      write: (frame) =>
        new Promise((resolve) => {
          socket.write(frame, () => resolve());
        }),
    });
    socket.on('data', (chunk) => session.push(chunk));
    socket.on('close', () => session.reset());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    server,
    connections: () => connections,
    openConnections: () => open.size,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}
