/**
 * @module Every program and file portalgun's features use on the host, with the Debian package that
 * provides it and whether it is required. Required: what booting any portal needs (QEMU, its overlays, micro
 * images, the kernel's installation, portal networks); a host without one fails `doctor`. Optional: what
 * one feature needs (Debian images, a router, an uplink mode, a TPM, UEFI, a viewer); a host without one
 * gets a warning naming that feature and still passes, since the feature is refused with the same fix
 * when it is used.
 * Pure: no I/O.
 */
import { FIRMWARE_FILES } from '../instance/index.js';

/** One host prerequisite. */
export interface HostTool {
  /** A program on the PATH, or an absolute file path. */
  readonly name: string;
  readonly pkg: string;
  readonly required: boolean;
  /** What needs it, as the user knows the feature. */
  readonly feature: string;
}

const required = (name: string, pkg: string, feature: string): HostTool => ({
  name,
  pkg,
  required: true,
  feature,
});
const optional = (name: string, pkg: string, feature: string): HostTool => ({
  name,
  pkg,
  required: false,
  feature,
});

/** The table `doctor` checks, in the order it prints them. */
export const HOST_TOOLS: readonly HostTool[] = [
  required('qemu-system-x86_64', 'qemu-system-x86', 'every portal'),
  required('qemu-img', 'qemu-utils', "every portal's overlay"),
  required('busybox', 'busybox-static', 'micro images (the guest userland)'),
  required('mkfs.ext4', 'e2fsprogs', 'every image (the root image)'),
  required('debugfs', 'e2fsprogs', 'every image (reproducible timestamps)'),
  required('xz', 'xz-utils', 'portalgun image kernel'),
  required('dpkg-deb', 'dpkg', 'portalgun image kernel'),
  required('ip', 'iproute2', 'portal networks'),
  required('nft', 'nftables', 'portal networks (the bridge and router rulesets)'),
  optional('debootstrap', 'debootstrap', 'Debian images (image.backend: debian)'),
  optional('/usr/share/keyrings/debian-archive-keyring.gpg', 'debian-archive-keyring', 'Debian images'),
  optional('mkfs.erofs', 'erofs-utils', "Debian images' layers"),
  optional('tor', 'tor', 'the star router image (service/router/star)'),
  optional('wg', 'wireguard-tools', 'the galaxy router image (service/router/galaxy)'),
  optional('passt', 'passt', 'the universe uplink in user mode (uplink.mode: user)'),
  optional('swtpm', 'swtpm', 'a TPM in a portal (devices.tpm: true)'),
  optional(FIRMWARE_FILES.ovmfCode, 'ovmf', 'UEFI boot (boot.firmware: ovmf)'),
  optional(FIRMWARE_FILES.ovmfVarsTemplate, 'ovmf', 'UEFI boot (boot.firmware: ovmf)'),
  optional(FIRMWARE_FILES.seabios, 'seabios', 'BIOS boot (boot.firmware: seabios)'),
  optional('remote-viewer', 'virt-viewer', 'portalgun view (opening a display)'),
  optional('dot', 'graphviz', 'portalgun net graph --format svg'),
  optional('libvirtd', 'libvirt-daemon-system', 'booting a portalgun export with virsh'),
];

/** One check's outcome, as `doctor` prints it. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
  /** A failure that stops only the features the detail names, not portals in general: shown, not fatal. */
  readonly warn?: boolean;
}

/** The checks of the tool table, given which of them are present. */
export function planToolChecks(
  tools: readonly HostTool[],
  present: (tool: HostTool) => boolean,
): DoctorCheck[] {
  return tools.map((tool) => {
    const ok = present(tool);
    return {
      name: tool.name,
      ok,
      ...(tool.required ? {} : { warn: true }),
      detail: ok
        ? `installed, needed by ${tool.feature}`
        : `missing: ${tool.required ? '' : 'only '}${tool.feature} needs it`,
      fix: `apt-get install --no-install-recommends ${tool.pkg}`,
    };
  });
}

/** How a check shows: ok, a warning (optional and missing) or a failure. */
export function checkLevel(check: DoctorCheck): 'ok' | 'warn' | 'fail' {
  if (check.ok) return 'ok';
  return check.warn ? 'warn' : 'fail';
}

/** Whether the host passes: no required check failed. */
export function doctorPasses(checks: readonly DoctorCheck[]): boolean {
  return checks.every((check) => checkLevel(check) !== 'fail');
}
