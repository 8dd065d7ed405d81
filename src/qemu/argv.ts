/**
 * @module Renders a manifest plus an instance into QEMU's command line, as data (`QemuArg[]`) serialised
 * once by `toArgv`. microvm portals boot a PVH kernel directly over virtio-mmio; q35 portals use PCI and may
 * have firmware, a display, a TPM and passthrough. Every portal gets the hardening defaults: no default
 * devices, no user config, no display window, no reboot, the seccomp sandbox, and disks that never open the
 * base image writable.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';
import {
  KERNEL_PARAMS,
  LAYER_SERIAL_PREFIX,
  SERIAL_CONSOLE,
  SHARE_READONLY_TAG,
  SHARE_TAG,
} from '../guest-abi/index.js';
import { type PortalInstance, runFiles, usbHostFd } from '../instance/index.js';
import { type ChannelEnd, portalPorts } from './ports.js';
import { arg, device, type QemuArg, qemuOpts, SANDBOX_OPTIONS, virtioDevice } from './qemu-options.js';

/** The full QEMU argument list for one portal instance. */
export function renderQemuArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  return [
    ...baseArgs(manifest, instance),
    ...bootArgs(manifest, instance),
    ...storageArgs(manifest, instance),
    ...shareArgs(manifest, instance),
    ...channelArgs(manifest, instance),
    ...networkArgs(manifest, instance),
    ...deviceArgs(manifest, instance),
  ];
}

/** The kernel command line portalgun sets for a portal, followed by the formula's own tokens. */
export function kernelCommandLine(manifest: Manifest, instance: PortalInstance): string {
  const tokens = [`console=${SERIAL_CONSOLE}`, 'panic=-1'];
  if (manifest.machine.type === 'microvm' && instance.accel === 'tcg') {
    // microvm has no HPET or PM timer; under TCG the PIT calibration fails when the host is busy and the
    // guest hangs forever, so the TSC rate is given outright.
    tokens.push(`tsc_early_khz=${instance.tscKhz}`);
  }
  if (manifest.image.backend === 'debian') tokens.push('root=/dev/vda', 'ro');
  // Who the portal is, for its agent: it accepts only envelopes for this host and this instance.
  tokens.push(
    `${KERNEL_PARAMS.host}=${instance.hostId}`,
    `${KERNEL_PARAMS.instance}=${instance.name}`,
    ...(instance.kernelArgs ?? []),
  );
  return [...tokens, ...manifest.boot.cmdline].join(' ');
}

function baseArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const files = runFiles(instance.runDir);
  const machine =
    manifest.machine.type === 'microvm'
      ? qemuOpts('microvm', { 'dump-guest-core': false, 'mem-merge': false })
      : qemuOpts('q35', { 'dump-guest-core': false, 'mem-merge': false, vmport: false });
  const cpu =
    instance.accel === 'kvm'
      ? qemuOpts('host', { kvm: manifest.hardening.hideKvm ? false : undefined })
      : 'max';
  return [
    arg('-name', qemuOpts(instance.name, { process: `portal-${instance.name}`, 'debug-threads': true })),
    arg('-accel', instance.accel),
    arg('-machine', machine),
    arg('-cpu', cpu),
    arg('-smp', String(manifest.machine.vcpus)),
    arg('-m', `${manifest.machine.memory}M`),
    arg('-nodefaults'),
    arg('-no-user-config'),
    arg('-display', 'none'),
    arg('-no-reboot'),
    ...(manifest.hardening.sandbox ? [arg('-sandbox', SANDBOX_OPTIONS)] : []),
    arg('-pidfile', files.pid),
    arg('-qmp', qemuOpts(`unix:${portalPorts(manifest, instance).qmp.path}`, { server: true, wait: false })),
  ];
}

function bootArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const { artifacts } = instance;
  const args: QemuArg[] = [];
  const firmware = artifacts.firmware;
  if (firmware?.kind === 'ovmf') {
    args.push(
      // The code is shared by every portal and never written; the variable store is this portal's copy.
      arg(
        '-drive',
        qemuOpts(null, { if: 'pflash', format: 'raw', unit: 0, readonly: true, file: firmware.code }),
      ),
      arg('-drive', qemuOpts(null, { if: 'pflash', format: 'raw', unit: 1, file: firmware.vars })),
    );
  } else if (firmware?.kind === 'seabios') {
    args.push(arg('-bios', firmware.bios));
  }
  args.push(arg('-kernel', artifacts.kernel));
  if (artifacts.initrd) args.push(arg('-initrd', artifacts.initrd));
  args.push(arg('-append', kernelCommandLine(manifest, instance)));
  return args;
}

function blockdev(props: Readonly<Record<string, string | boolean>>): QemuArg {
  return arg('-blockdev', qemuOpts(null, props));
}

/** The throttle group every guest disk passes through when the formula caps its disks' rate. */
const DISK_LIMITS = 'disk-limits';

/**
 * A guest-visible disk on block node `node`: behind a throttle filter in the portal's one throttle group
 * when `limits.diskBandwidth` or `limits.diskIops` is set, so all its disks share the cap.
 */
function guestDisk(manifest: Manifest, node: string, props: Readonly<Record<string, string>>): QemuArg[] {
  const { diskBandwidth, diskIops } = manifest.limits;
  const blkDevice = (drive: string) => device(virtioDevice(manifest, 'blk'), { drive, ...props });
  if (diskBandwidth === null && diskIops === null) return [blkDevice(node)];
  const limited = `${node}-limited`;
  return [
    blockdev({ driver: 'throttle', 'throttle-group': DISK_LIMITS, file: node, 'node-name': limited }),
    blkDevice(limited),
  ];
}

/** The throttle group itself (QEMU's `x-` limits of a throttle-group object), or nothing. */
function diskLimitArgs(manifest: Manifest): QemuArg[] {
  const { diskBandwidth, diskIops } = manifest.limits;
  if (diskBandwidth === null && diskIops === null) return [];
  return [
    arg(
      '-object',
      qemuOpts('throttle-group', {
        id: DISK_LIMITS,
        ...(diskBandwidth === null ? {} : { 'x-bps-total': `${Math.round(diskBandwidth * 1024 * 1024)}` }),
        ...(diskIops === null ? {} : { 'x-iops-total': `${diskIops}` }),
      }),
    ),
  ];
}

function storageArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const args: QemuArg[] = [...diskLimitArgs(manifest)];
  const base = instance.artifacts.base;
  if (base) {
    args.push(
      // The base is opened read-only at both layers; only the throwaway overlay is writable.
      blockdev({ driver: 'file', filename: base.path, 'node-name': 'base-file', 'read-only': true }),
      blockdev({ driver: base.format, file: 'base-file', 'node-name': 'base', 'read-only': true }),
      blockdev({ driver: 'file', filename: instance.overlay, 'node-name': 'overlay-file' }),
      blockdev({ driver: 'qcow2', file: 'overlay-file', backing: 'base', 'node-name': 'root' }),
      ...guestDisk(manifest, 'root', { id: 'root-disk', serial: 'root' }),
    );
  }
  instance.artifacts.layers.forEach((file, index) => {
    // Layers are shared by every portal of every image above them: read-only at both block layers.
    args.push(
      blockdev({ driver: 'file', filename: file, 'node-name': `layer${index}-file`, 'read-only': true }),
      blockdev({
        driver: 'raw',
        file: `layer${index}-file`,
        'node-name': `layer${index}`,
        'read-only': true,
      }),
      ...guestDisk(manifest, `layer${index}`, {
        id: `layer${index}-disk`,
        serial: `${LAYER_SERIAL_PREFIX}${index}`,
      }),
    );
  });
  for (const name of Object.keys(manifest.disks).sort()) {
    const file = instance.disks[name] ?? '';
    args.push(
      blockdev({ driver: 'file', filename: file, 'node-name': `disk-${name}-file` }),
      blockdev({ driver: 'qcow2', file: `disk-${name}-file`, 'node-name': `disk-${name}` }),
      ...guestDisk(manifest, `disk-${name}`, { id: `disk-${name}`, serial: name }),
    );
  }
  return args;
}

/**
 * The share, and its read-only subfolders as a second export the host makes read-only (`readonly=on`):
 * QEMU refuses every write to it, whatever the guest mounts or unmounts.
 */
function shareArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  if (!manifest.share.enabled) return [];
  const exports = [
    { id: 'share', path: instance.shareDir, tag: SHARE_TAG, readOnly: manifest.share.readOnly },
    ...(instance.shareReadOnlyDir
      ? [{ id: 'share-readonly', path: instance.shareReadOnlyDir, tag: SHARE_READONLY_TAG, readOnly: true }]
      : []),
  ];
  return exports.flatMap(({ id, path, tag, readOnly }) => [
    arg(
      '-fsdev',
      qemuOpts('local', {
        id,
        path,
        // Guest ownership and modes live in xattrs, so guest root is never host root on these files.
        security_model: 'mapped-xattr',
        readonly: readOnly ? true : undefined,
      }),
    ),
    device(virtioDevice(manifest, '9p'), { fsdev: id, mount_tag: tag }),
  ]);
}

/** The character device of a channel: a socket QEMU listens on without waiting, or a file it writes. */
function chardev(end: ChannelEnd, extra: Readonly<Record<string, string | boolean>> = {}): QemuArg {
  const socket = end.backend === 'socket' ? { server: true, wait: false } : {};
  return arg('-chardev', qemuOpts(end.backend, { id: end.chardev, path: end.path, ...socket, ...extra }));
}

function channelArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const ports = portalPorts(manifest, instance);
  const args: QemuArg[] = [];
  if (ports.console) {
    args.push(
      chardev(ports.console, { logfile: ports.console.log, logappend: true }),
      arg('-serial', `chardev:${ports.console.chardev}`),
    );
  }
  // The agent and status ports are the portal's control plane: every portal has both.
  args.push(device(virtioDevice(manifest, 'serial'), { id: 'vser' }));
  for (const port of [ports.agent, ports.status]) {
    args.push(
      chardev(port),
      device('virtserialport', { bus: 'vser.0', chardev: port.chardev, name: port.guest }),
    );
  }
  return args;
}

function networkArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const nicDevice = virtioDevice(manifest, 'net');
  const args = instance.nics.flatMap((nic) => [
    arg(
      '-netdev',
      qemuOpts('tap', { id: `net-${nic.network}`, ifname: nic.tap, script: 'no', downscript: 'no' }),
    ),
    device(nicDevice, { netdev: `net-${nic.network}`, mac: nic.mac }),
  ]);
  const uplink = instance.uplink;
  if (uplink?.kind === 'pci') return [...args, device('vfio-pci', { host: uplink.address, id: 'uplink' })];
  if (uplink) {
    const netdev =
      uplink.kind === 'user'
        ? qemuOpts('stream', {
            id: 'uplink',
            server: false,
            'addr.type': 'unix',
            'addr.path': uplink.socket,
          })
        : uplink.kind === 'tap'
          ? qemuOpts('tap', { id: 'uplink', ifname: uplink.tap, script: 'no', downscript: 'no' })
          : qemuOpts('tap', { id: 'uplink', fd: uplink.fd });
    args.push(arg('-netdev', netdev), device(nicDevice, { netdev: 'uplink', mac: uplink.mac }));
  }
  return args;
}

function deviceArgs(manifest: Manifest, instance: PortalInstance): QemuArg[] {
  const files = runFiles(instance.runDir);
  const { devices } = manifest;
  const args: QemuArg[] = [];
  if (devices.rng) {
    args.push(
      arg('-object', qemuOpts('rng-random', { id: 'rng', filename: '/dev/urandom' })),
      device(virtioDevice(manifest, 'rng'), { rng: 'rng' }),
    );
  }
  if (manifest.machine.balloon) args.push(device('virtio-balloon-pci', { id: 'balloon' }));
  if (devices.display === 'spice') {
    args.push(arg('-spice', qemuOpts(null, { unix: true, addr: files.spice, 'disable-ticketing': true })));
  } else if (devices.display === 'vnc') {
    args.push(arg('-vnc', `unix:${files.vnc}`));
  }
  if (devices.display !== 'none') {
    // The GPU, and a keyboard and an absolute pointer the viewer drives (no PS/2 mouse emulation).
    args.push(device('virtio-vga'), device('virtio-keyboard-pci'), device('virtio-tablet-pci'));
  }
  if (devices.tpm !== 'none') {
    args.push(
      arg('-chardev', qemuOpts('socket', { id: 'tpm', path: files.swtpm })),
      arg('-tpmdev', qemuOpts('emulator', { id: 'tpm0', chardev: 'tpm' })),
      device('tpm-crb', { tpmdev: 'tpm0' }),
    );
  }
  for (const [index, host] of devices.pci.entries())
    args.push(device('vfio-pci', { host, id: `pci${index}` }));
  if (devices.usb.length > 0) args.push(device('qemu-xhci', { id: 'usb' }));
  for (const index of devices.usb.keys()) {
    // The daemon opens the device's /dev/bus/usb node and QEMU inherits the descriptor: the QEMU account
    // never gets the node itself, so no other portal running as that account can open it.
    const fd = usbHostFd(instance, index);
    args.push(
      arg('-add-fd', qemuOpts(null, { fd, set: fd })),
      device('usb-host', { bus: 'usb.0', hostdevice: `/dev/fdset/${fd}`, id: `usb${index}` }),
    );
  }
  return args;
}
