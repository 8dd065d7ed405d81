/**
 * @module `portalgun doctor`'s checks: every host prerequisite, each with what was found and how to fix it
 * (the tools and which features need them: host-tools.ts). Reads only; changes nothing.
 */
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { HOST_ROOTS, readIommuState } from '../../passthrough/host/index.js';
import { chooseAccelerator, tscKhzOf } from '../accel.js';
import { type DoctorCheck, HOST_TOOLS, type HostTool, planToolChecks } from '../host-tools.js';
import { hasTool, lookupUser, QEMU_USER, readCpuFacts } from './facts.js';

export type { DoctorCheck } from '../host-tools.js';

/** A program on the PATH, or a file (firmware, keyring) where its package puts it. */
function isPresent(tool: HostTool): boolean {
  return tool.name.startsWith('/') ? existsSync(tool.name) : hasTool(tool.name);
}

/** Runs every check for a host whose state folder is `stateRoot`. */
export async function runDoctorChecks(options: {
  stateRoot: string;
  agentBundle: string;
}): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const facts = await readCpuFacts();
  const accel = chooseAccelerator(facts);
  checks.push({ name: 'accelerator', ok: true, detail: `${accel.accel}: ${accel.reason}` });
  const tsc = tscKhzOf(facts);
  checks.push(
    tsc
      ? { name: 'tsc rate', ok: true, detail: `${tsc} kHz (passed as tsc_early_khz on microvm under TCG)` }
      : {
          name: 'tsc rate',
          ok: false,
          detail: 'no "cpu MHz" in /proc/cpuinfo',
          fix: 'microvm portals may hang under TCG without it',
        },
  );
  checks.push({
    name: 'root',
    ok: process.getuid?.() === 0,
    detail: process.getuid?.() === 0 ? 'running as root' : 'not root',
    fix: 'The daemon and setup need root (QEMU itself runs unprivileged).',
  });
  checks.push(...planToolChecks(HOST_TOOLS, isPresent));
  const user = await lookupUser(QEMU_USER);
  checks.push({
    name: 'qemu account',
    ok: user !== undefined,
    detail: user ? `${QEMU_USER} (uid ${user.uid})` : `${QEMU_USER} does not exist`,
    fix: `useradd --system --no-create-home --shell /usr/sbin/nologin ${QEMU_USER}`,
  });
  const kernel = path.join(options.stateRoot, 'kernels/debian-generic/kernel.json');
  checks.push({
    name: 'kernel',
    ok: existsSync(kernel),
    detail: existsSync(kernel) ? kernel : 'not installed',
    fix: 'portalgun image kernel',
  });
  checks.push({
    name: 'guest agent',
    ok: existsSync(options.agentBundle),
    detail: options.agentBundle,
    fix: 'npm run build',
  });
  checks.push({
    name: '/dev/net/tun',
    ok: existsSync('/dev/net/tun'),
    detail: existsSync('/dev/net/tun') ? 'present' : 'missing',
    fix: 'portal networks need TUN/TAP (modprobe tun)',
  });
  checks.push(diskCheck(options.stateRoot));
  checks.push(await iommuCheck());
  return checks;
}

/** Whether PCI passthrough can work: IOMMU groups and the vfio-pci driver (portalgun loads no modules). */
async function iommuCheck(): Promise<DoctorCheck> {
  const { iommuGroups, vfioDriver } = await readIommuState(HOST_ROOTS.sys);
  const found = `${iommuGroups === 0 ? 'no IOMMU groups' : `${iommuGroups} IOMMU groups`}, ${vfioDriver ? 'vfio-pci present' : 'no vfio-pci driver'}`;
  const ok = iommuGroups > 0 && vfioDriver;
  return {
    name: 'iommu',
    ok,
    warn: true,
    detail: ok
      ? found
      : `${found}: devices.pci and uplink mode pci are refused (USB passthrough still works)`,
    fix:
      iommuGroups === 0
        ? 'Turn on VT-d or AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on'
        : 'modprobe vfio-pci, or boot a kernel with CONFIG_VFIO_PCI=y',
  };
}

function diskCheck(stateRoot: string): DoctorCheck {
  let dir = stateRoot;
  while (!existsSync(dir)) dir = path.dirname(dir);
  const stats = statfsSync(dir);
  const freeGiB = (stats.bavail * stats.bsize) / 2 ** 30;
  return {
    name: 'disk space',
    ok: freeGiB >= 2,
    detail: `${freeGiB.toFixed(1)} GiB free under ${dir}`,
    fix: 'Images and overlays need a few GiB: free space or move --state.',
  };
}
