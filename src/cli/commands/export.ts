/**
 * @module `portalgun export <node> <dir>`: a portal as a libvirt domain someone can boot without portalgun
 * (`virsh -c qemu:///session create <dir>/domain.xml`, or import in virt-manager). The daemon says which
 * image the node boots (a signed `image.show`); its boot files are copied into `<dir>`, and the plan is the
 * one the daemon would start with its run and state folders moved there, which makes the files it opens
 * (plan/host/libvirt-export.ts).
 * The domain runs on q35 (see qemu/libvirt-xml.ts) on this host's accelerator.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

/** Registers `export`. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write a portal as a libvirt domain with its overlay and share, bootable with virsh')
    .argument('<node>', 'node path (application/console) or portal name (console.application.portal)')
    .argument('<dir>', 'a new or empty folder for the domain and its files')
    .option('--name <instance>', 'instance name (default: the formula name)')
    .action(async (node: string, dir: string, options: { name?: string }, command: Command) => {
      const { findFormula, requireStartable } = await import('../../formula/index.js');
      const { copyBootImage, writeLibvirtExport } = await import('../../plan/host/index.js');
      const { planPortal } = await import('../../plan/index.js');
      const { readCpuFacts } = await import('../../probe/host/index.js');
      const { chooseAccelerator, FALLBACK_TSC_KHZ, tscKhzOf } = await import('../../probe/index.js');
      const { renderLibvirtXml } = await import('../../qemu/index.js');
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const global = globalOptions(command);
      const { catalogue, daemon } = await loadTreeInUse(global);
      const { manifest, hash } = findFormula(catalogue, node);
      requireStartable(manifest, 'Export');
      const socketPath = daemonSocketPath(global.run);
      if (!daemon) {
        throw new MvError('daemon.unreachable', `No portalgun daemon answers at ${socketPath}`, {
          hint: 'An export boots the image the daemon built: start it (portalgun daemon, as root), or point PORTALGUN_RUN at its run folder.',
        });
      }
      const shown = await callDaemon('image.show', { image: manifest.node }, { socketPath });
      const facts = await readCpuFacts();
      const folder = path.resolve(dir);
      process.stderr.write(`export: copying the image of ${manifest.node} into ${folder}\n`);
      const image = await copyBootImage(folder, shown.boot);
      const plan = planPortal({
        name: options.name ?? manifest.name,
        manifest,
        image,
        manifests: [...catalogue.formulas.values()].map((f) => f.manifest),
        dirs: { runRoot: folder, stateRoot: folder },
        hostId: daemon.hostId,
        accel: chooseAccelerator(facts).accel,
        tscKhz: tscKhzOf(facts) ?? FALLBACK_TSC_KHZ,
      });
      const xml = renderLibvirtXml(manifest, plan.instance, { hash });
      const files = await writeLibvirtExport(folder, plan, manifest, xml);
      const [domain = ''] = files;
      const taps = plan.instance.nics.map((nic) => nic.tap);
      if (global.json) {
        return writeJson({ node: manifest.node, hash, name: plan.instance.name, domain, files, taps });
      }
      writeText(
        [
          `Exported ${manifest.node} as ${plan.instance.name} to ${domain}.`,
          `Boot it: virsh -c qemu:///session create ${domain}`,
          ...(taps.length > 0
            ? [`Its networks need the taps ${taps.join(', ')}, which only a portalgun router chain makes.`]
            : []),
        ].join('\n'),
      );
    });
}
