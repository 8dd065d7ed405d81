/**
 * @module `scramble host ls | forget`: the host keys the owner pinned (known-hosts.ts), as SSH's
 * known_hosts. `portalgun init` pins; forgetting is how a reinstalled host's new key can be pinned again.
 */
import type { Command } from 'commander';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';

/** Registers the host commands. */
export function registerHostCommands(program: Command): void {
  const host = program.command('host').description('The host keys you pinned (portalgun init pins them)');
  host
    .command('ls')
    .description('List the pinned hosts with their key fingerprints')
    .action(async (_options: unknown, command: Command) => {
      const { knownHosts, scrambleHome } = await import('../../scramble/host/index.js');
      const hosts = knownHosts(scrambleHome()).map((h) => ({
        hostId: h.hostId,
        fingerprint: h.fingerprint,
        pinnedAt: new Date(h.pinnedAt).toISOString(),
      }));
      if (globalOptions(command).json) return writeJson(hosts);
      if (hosts.length === 0)
        return writeText('no pinned hosts (portalgun init, as root on a host, pins it)');
      writeText(
        renderColumns([
          ['HOST', 'KEY', 'PINNED'],
          ...hosts.map((h) => [h.hostId, h.fingerprint, h.pinnedAt]),
        ]),
      );
    });
  host
    .command('forget <host>')
    .description("Forget a host's pinned key (after a reinstall; then pin the new one with portalgun init)")
    .action(async (hostId: string, _options: unknown, command: Command) => {
      const { forgetHost, scrambleHome } = await import('../../scramble/host/index.js');
      const forgotten = forgetHost(scrambleHome(), hostId);
      if (globalOptions(command).json) return writeJson({ hostId, fingerprint: forgotten.fingerprint });
      writeText(`forgot host ${hostId} (key ${forgotten.fingerprint})`);
    });
}
