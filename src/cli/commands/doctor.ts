/**
 * @module `portalgun doctor`: checks every host prerequisite (accelerator, tools, the QEMU account, the
 * kernel, the agent bundle, TUN, disk space, the IOMMU, the daemon) and says how to fix each one that fails.
 * A warning (a missing optional tool, the IOMMU) names the features it stops and does not fail the command;
 * only a failed required check does (exit 6).
 */
import type { Command } from 'commander';
import { agentBundlePath } from '../../install/host/index.js';
import type { DoctorCheck } from '../../probe/host/index.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { globalOptions } from './global-options.js';

async function daemonCheck(socketPath: string): Promise<DoctorCheck> {
  try {
    const { callDaemon } = await import('../daemon-client.js');
    const { version, formulas } = await callDaemon('system.version', {}, { socketPath });
    const tree = `formulas ${formulas.dir}${formulas.digest ? '' : ' (cannot be read)'}`;
    return { name: 'daemon', ok: true, detail: `portalgun ${version} at ${socketPath}, ${tree}` };
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
    .description(
      'Check the host: accelerator, tools (and the features that need them), QEMU account, kernel, agent, TUN, disk, IOMMU, daemon',
    )
    .option('--state <dir>', 'state folder to check (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .action(async (options: { state?: string }, command: Command) => {
      const { DEFAULT_DIRS } = await import('../../instance/index.js');
      const { runDoctorChecks } = await import('../../probe/host/index.js');
      const { checkLevel, doctorPasses } = await import('../../probe/index.js');
      const { daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const stateRoot = options.state ?? process.env.PORTALGUN_STATE ?? DEFAULT_DIRS.stateRoot;
      const checks = [
        ...(await runDoctorChecks({ stateRoot, agentBundle: agentBundlePath() })),
        await daemonCheck(daemonSocketPath(global.run)),
      ];
      const passes = doctorPasses(checks);
      process.exitCode = passes ? 0 : 6;
      if (global.json) {
        return writeJson({
          ok: passes,
          checks: checks.map((c) => ({ ...c, level: checkLevel(c) })),
        });
      }
      const label = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;
      const rows = checks.map((c) => [label[checkLevel(c)], c.name, c.detail, c.ok ? '' : (c.fix ?? '')]);
      writeText(renderColumns([['', 'CHECK', 'FOUND', 'FIX'], ...rows]));
    });
}
