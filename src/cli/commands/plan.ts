/**
 * @module `portalgun plan <node> [--format qemu|libvirt|fstab]`: what portalgun would run for a formula on
 * this host: the QEMU command line (one argument per line), the libvirt domain XML, or the guest fstab of
 * the share. It reads the daemon's formula tree when one answers (and takes its host id), and shows the
 * folders of `--run`/`$PORTALGUN_RUN` and `$PORTALGUN_STATE`.
 */
import path from 'node:path';
import { type Command, Option } from 'commander';
import { MvError } from '../../errors/index.js';
import { withGuestNet, withOnionServices } from '../../net/index.js';
import { previewInstance, renderLibvirtXml, renderQemuArgs, toArgv } from '../../qemu/index.js';
import { renderFstab } from '../../share/index.js';
import { findFormula } from '../catalogue.js';
import { daemonRunDir } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { loadTreeInUse } from '../tree-in-use.js';
import { globalOptions } from './global-options.js';

const FORMATS = ['qemu', 'libvirt', 'fstab'] as const;

interface PlanOptions {
  readonly format: (typeof FORMATS)[number];
  readonly name?: string;
  readonly accel: 'tcg' | 'kvm';
  readonly tscKhz: string;
}

/** Registers `plan`. */
export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('Render what portalgun would run for a formula: QEMU argv, libvirt XML or guest fstab')
    .argument('<node>', 'node path (application/console) or portal name (console.application.portal)')
    .addOption(new Option('--format <format>', 'what to render').choices(FORMATS).default('qemu'))
    .option('--name <instance>', 'instance name (default: the formula name)')
    .addOption(
      new Option('--accel <accel>', 'accelerator to render for').choices(['tcg', 'kvm']).default('tcg'),
    )
    .option('--tsc-khz <khz>', 'host TSC rate for microvm under TCG', '2600000')
    .action(async (node: string, options: PlanOptions, command: Command) => {
      const global = globalOptions(command);
      const { catalogue, daemon } = await loadTreeInUse(global);
      const resolved = findFormula(catalogue, node);
      const { manifest, hash } = resolved;
      if (manifest.abstract) {
        throw new MvError('formula.invalid', `"${manifest.node}" is an abstract layer, not a portal`, {
          hint: 'Plan one of its children; "portalgun formula list" shows which nodes are portals.',
        });
      }
      const tscKhz = Number(options.tscKhz);
      if (!Number.isInteger(tscKhz) || tscKhz <= 0) {
        throw new MvError(
          'usage.invalid',
          `--tsc-khz must be a positive whole number, not "${options.tscKhz}"`,
          {
            hint: 'Give the host TSC rate in kHz, e.g. 2600000 for 2.6 GHz.',
          },
        );
      }
      // The kernel command line the daemon would boot it with, network settings and onion services included.
      const manifests = [...catalogue.formulas.values()].map((f) => f.manifest);
      const preview = withGuestNet(
        manifest,
        previewInstance(manifest, {
          accel: options.accel,
          tscKhz,
          ...(options.name ? { name: options.name } : {}),
          // The host's own folders and id, as the daemon there would use them.
          runRoot: path.join(daemonRunDir(global.run), 'portals'),
          ...(process.env.PORTALGUN_STATE ? { stateRoot: process.env.PORTALGUN_STATE } : {}),
          ...(daemon ? { hostId: daemon.hostId } : {}),
        }),
      );
      const instance = withOnionServices(manifest, manifests, preview);
      const rendered =
        options.format === 'qemu'
          ? ['qemu-system-x86_64', ...toArgv(renderQemuArgs(manifest, instance))].join('\n')
          : options.format === 'libvirt'
            ? renderLibvirtXml(manifest, instance, { hash })
            : renderFstab(manifest, { hash });
      if (global.json) {
        const output =
          options.format === 'qemu'
            ? { argv: ['qemu-system-x86_64', ...toArgv(renderQemuArgs(manifest, instance))] }
            : { text: rendered };
        return writeJson({ node: manifest.node, hash, format: options.format, ...output });
      }
      writeText(rendered);
    });
}
