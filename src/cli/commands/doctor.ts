/**
 * @module `portalgun doctor`: checks every host prerequisite (accelerator, tools, the QEMU account, the
 * kernel, the agent bundle, TUN, disk space, the IOMMU, the daemon) and says how to fix each one that fails;
 * a warning (the IOMMU) names the features it stops and does not fail the command.
 */
import type { Command } from 'commander';
import { agentBundlePath } from '../../install/host/package-root.js';
import { type DoctorCheck, runDoctorChecks } from '../../probe/host/doctor.js';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { globalOptions } from './global-options.js';

async function daemonCheck(socketPath: string): Promise<DoctorCheck> {
  try {
    const { version } = await callDaemon('system.version', {}, { socketPath });
    return { name: 'daemon', ok: true, detail: `portalgun ${version} at ${socketPath}` };
  } catch (error) {
    return {
      name: 'daemon',
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
      fix: 'portalgun daemon (as root)',
    };
  }
}

/** Registers `doctor`. */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check the host: accelerator, tools, QEMU account, kernel, agent, TUN, disk, IOMMU, daemon')
    .option('--state <dir>', 'state folder to check (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .action(async (options: { state?: string }, command: Command) => {
      const global = globalOptions(command);
      const stateRoot = options.state ?? process.env.PORTALGUN_STATE ?? '/var/lib/multiverse';
      const checks = [
        ...(await runDoctorChecks({ stateRoot, agentBundle: agentBundlePath() })),
        await daemonCheck(daemonSocketPath(global.run)),
      ];
      const failed = checks.filter((c) => !c.ok && !c.warn);
      process.exitCode = failed.length > 0 ? 6 : 0;
      if (global.json) return writeJson({ ok: failed.length === 0, checks });
      const status = (c: DoctorCheck) => (c.ok ? 'ok' : c.warn ? 'warn' : 'FAIL');
      const rows = checks.map((c) => [status(c), c.name, c.detail, c.ok ? '' : (c.fix ?? '')]);
      writeText(renderColumns([['', 'CHECK', 'FOUND', 'FIX'], ...rows]));
    });
}
