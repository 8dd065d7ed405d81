/**
 * @module `portalgun plan <node> [--format qemu|libvirt|fstab]`: what portalgun would run for a formula on
 * this host: the QEMU command line (one argument per line), the libvirt domain XML, or the guest fstab of
 * the share, from the same plan the daemon starts (plan/plan-portal.ts). It reads the daemon's formula
 * tree when one answers (and takes its host id and the files of the formula's current image), and shows the
 * folders of `--run`/`$PORTALGUN_RUN` and `$PORTALGUN_STATE`; without a built image, labelled stand-ins.
 */
import { type Command, Option } from 'commander';
import { MvError } from '../../errors/index.js';
import type { BootImage } from '../../plan/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

const FORMATS = ['qemu', 'libvirt', 'fstab'] as const;

/** The host id a plan shows when no daemon answers (a daemon's own id is random). */
const PREVIEW_HOST_ID = 'haaaaaaaaaaaaaaaaaaaaaaaaaa';

/**
 * The files the daemon would boot for a node: those of its current image, asked of the daemon (a signed
 * call); or why there are none to show, and the plan shows stand-ins instead.
 */
async function currentImageFiles(run: string | undefined, node: string): Promise<BootImage | string> {
  try {
    const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
    const shown = await callDaemon('image.show', { image: node }, { socketPath: daemonSocketPath(run) });
    return shown.boot;
  } catch (error) {
    if (!(error instanceof MvError)) throw error;
    if (error.code === 'image.not-found') return `no image of ${node} is built here`;
    return `the daemon could not be asked for the image of ${node} (${error.message})`;
  }
}

interface PlanOptions {
  readonly format: (typeof FORMATS)[number];
  readonly name?: string;
  readonly accel: 'tcg' | 'kvm';
  readonly tscKhz?: string;
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
    .option('--tsc-khz <khz>', "host TSC rate for microvm under TCG (default: the daemon's fallback rate)")
    .action(async (node: string, options: PlanOptions, command: Command) => {
      const { findFormula, requireStartable } = await import('../../formula/index.js');
      const { DEFAULT_DIRS } = await import('../../instance/index.js');
      const { planPortal, standInBootImage } = await import('../../plan/index.js');
      const { renderLibvirtXml } = await import('../../qemu/index.js');
      const { renderFstab } = await import('../../share/index.js');
      const { daemonRunDir } = await import('../daemon-client.js');
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const global = globalOptions(command);
      const { catalogue, daemon } = await loadTreeInUse(global);
      const resolved = findFormula(catalogue, node);
      const { manifest, hash } = resolved;
      requireStartable(manifest, 'Plan');
      const { FALLBACK_TSC_KHZ } = await import('../../probe/index.js');
      const tscKhz = Number(options.tscKhz ?? FALLBACK_TSC_KHZ);
      if (!Number.isInteger(tscKhz) || tscKhz <= 0) {
        throw new MvError(
          'usage.invalid',
          `--tsc-khz must be a positive whole number, not "${options.tscKhz}"`,
          {
            hint: 'Give the host TSC rate in kHz, e.g. 2600000 for 2.6 GHz.',
          },
        );
      }
      const manifests = [...catalogue.formulas.values()].map((f) => f.manifest);
      // The host's own folders and id, as the daemon there would use them.
      const dirs = {
        runRoot: daemonRunDir(global.run),
        stateRoot: process.env.PORTALGUN_STATE ?? DEFAULT_DIRS.stateRoot,
      };
      const known = daemon
        ? await currentImageFiles(global.run, manifest.node)
        : `no daemon answers, so no image of ${manifest.node} is known`;
      const image =
        typeof known === 'string'
          ? standInBootImage(dirs.stateRoot, manifest, (n) => catalogue.formulas.get(n)?.manifest, known)
          : known;
      if (image.standIn && options.format !== 'fstab') process.stderr.write(`plan: ${image.standIn}\n`);
      const { instance, argv } = planPortal({
        name: options.name ?? manifest.name,
        manifest,
        image,
        manifests,
        dirs,
        hostId: daemon?.hostId ?? PREVIEW_HOST_ID,
        accel: options.accel,
        tscKhz,
      });
      const rendered =
        options.format === 'qemu'
          ? ['qemu-system-x86_64', ...argv].join('\n')
          : options.format === 'libvirt'
            ? renderLibvirtXml(manifest, instance, { hash })
            : renderFstab(manifest, { hash });
      if (global.json) {
        const output =
          options.format === 'qemu' ? { argv: ['qemu-system-x86_64', ...argv] } : { text: rendered };
        const standIn = image.standIn ? { standIn: image.standIn } : {};
        return writeJson({ node: manifest.node, hash, format: options.format, ...standIn, ...output });
      }
      writeText(rendered);
    });
}
