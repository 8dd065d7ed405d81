/**
 * @module Renders a manifest plus an instance into a libvirt domain XML that `virt-xml-validate` accepts, for
 * people who manage portals with libvirt tools or want to inspect them there. portalgun itself runs QEMU
 * directly (see ARCHITECTURE.md); this rendering mirrors the same devices, sockets and hardening, with one
 * difference libvirt imposes: every portal runs on q35, as libvirt 9 refuses a machine without a PCI bus
 * (microvm); the same kernel, initrd, disks, share and ports work there, as every initramfs loads virtio_pci.
 * Pure: no I/O.
 */
import { type Manifest, parseUsbSelector } from '../formula/index.js';
import { SHARE_READONLY_TAG, SHARE_TAG } from '../guest-abi/index.js';
import { FIRMWARE_FILES, type PortalInstance, runFiles } from '../instance/index.js';
import { el, renderXml, type XmlElement } from './_xml.js';
import { kernelCommandLine } from './argv.js';
import { portalPorts } from './ports.js';

/** Namespace of portalgun's metadata element inside `<metadata>`. */
export const METADATA_NAMESPACE = 'https://multiverse-os.org/xmlns/portal/1';

/** The libvirt domain XML for one portal instance. */
export function renderLibvirtXml(
  manifest: Manifest,
  instance: PortalInstance,
  options: { hash: string },
): string {
  return renderXml(
    el('domain', { type: instance.accel === 'kvm' ? 'kvm' : 'qemu' }, [
      el('name', {}, [instance.name]),
      el('title', {}, [manifest.portalName]),
      manifest.description !== '' && el('description', {}, [manifest.description]),
      el('metadata', {}, [
        el('mv:portal', { 'xmlns:mv': METADATA_NAMESPACE, node: manifest.node, hash: options.hash }),
      ]),
      el('memory', { unit: 'MiB' }, [String(manifest.machine.memory)]),
      el('currentMemory', { unit: 'MiB' }, [String(manifest.machine.memory)]),
      el('vcpu', { placement: 'static' }, [String(manifest.machine.vcpus)]),
      osElement(manifest, instance),
      el('features', {}, [
        el('acpi'),
        instance.accel === 'kvm' &&
          manifest.hardening.hideKvm &&
          el('kvm', {}, [el('hidden', { state: 'on' })]),
      ]),
      instance.accel === 'kvm' ? el('cpu', { mode: 'host-passthrough' }) : el('cpu', { mode: 'maximum' }),
      el('clock', { offset: 'utc' }),
      el('on_poweroff', {}, ['destroy']),
      el('on_reboot', {}, ['destroy']),
      el('on_crash', {}, ['destroy']),
      el('devices', {}, devices(manifest, instance)),
    ]),
  );
}

function osElement(manifest: Manifest, instance: PortalInstance): XmlElement {
  const { artifacts } = instance;
  return el('os', {}, [
    el('type', { arch: 'x86_64', machine: 'q35' }, ['hvm']),
    ...firmwareElements(instance),
    el('kernel', {}, [artifacts.kernel]),
    artifacts.initrd !== null && el('initrd', {}, [artifacts.initrd]),
    el('cmdline', {}, [kernelCommandLine(manifest, instance)]),
  ]);
}

/** OVMF as a read-only pflash loader with the portal's own variable store; SeaBIOS as a ROM loader. */
function firmwareElements(instance: PortalInstance): XmlElement[] {
  const firmware = instance.artifacts.firmware;
  if (firmware?.kind === 'ovmf') {
    return [
      el('loader', { readonly: 'yes', type: 'pflash' }, [firmware.code]),
      el('nvram', { template: FIRMWARE_FILES.ovmfVarsTemplate }, [firmware.vars]),
    ];
  }
  if (firmware?.kind === 'seabios') return [el('loader', { readonly: 'yes', type: 'rom' }, [firmware.bios])];
  return [];
}

/** A 9p export of a host folder (the share, or its read-only subfolders' export). */
function filesystem(dir: string, tag: string, readOnly: boolean): XmlElement {
  return el('filesystem', { type: 'mount', accessmode: 'mapped' }, [
    el('driver', { type: 'path', wrpolicy: 'immediate' }),
    el('source', { dir }),
    el('target', { dir: tag }),
    readOnly && el('readonly'),
  ]);
}

function devices(manifest: Manifest, instance: PortalInstance): XmlElement[] {
  const files = runFiles(instance.runDir);
  const ports = portalPorts(manifest, instance);
  const { devices: d } = manifest;
  return [
    el('emulator', {}, ['/usr/bin/qemu-system-x86_64']),
    ...disks(manifest, instance),
    manifest.share.enabled && filesystem(instance.shareDir, SHARE_TAG, manifest.share.readOnly),
    manifest.share.enabled &&
      instance.shareReadOnlyDir !== undefined &&
      filesystem(instance.shareReadOnlyDir, SHARE_READONLY_TAG, true),
    ...interfaces(manifest, instance),
    ports.console &&
      el('serial', { type: 'unix' }, [
        el('source', { mode: 'bind', path: ports.console.path }),
        el('log', { file: ports.console.log, append: 'on' }),
        el('target', { port: 0 }),
      ]),
    el('channel', { type: 'unix' }, [
      el('source', { mode: 'bind', path: ports.agent.path }),
      el('target', { type: 'virtio', name: ports.agent.guest }),
    ]),
    el('channel', { type: 'file' }, [
      el('source', { path: ports.status.path }),
      el('target', { type: 'virtio', name: ports.status.guest }),
    ]),
    d.rng && el('rng', { model: 'virtio' }, [el('backend', { model: 'random' }, ['/dev/urandom'])]),
    el('memballoon', { model: manifest.machine.balloon ? 'virtio' : 'none' }),
    d.display !== 'none' &&
      el('graphics', { type: d.display }, [
        el('listen', { type: 'socket', socket: d.display === 'spice' ? files.spice : files.vnc }),
      ]),
    d.display !== 'none' && el('video', {}, [el('model', { type: 'virtio' })]),
    d.display !== 'none' && el('input', { type: 'keyboard', bus: 'virtio' }),
    d.display !== 'none' && el('input', { type: 'tablet', bus: 'virtio' }),
    d.tpm !== 'none' &&
      el('tpm', { model: 'tpm-crb' }, [
        el('backend', {
          type: 'emulator',
          version: '2.0',
          ...(d.tpm === 'persistent' ? { persistent_state: 'yes' } : {}),
        }),
      ]),
    ...d.pci.map((address) => pciHostdev(address)),
    ...d.usb.map((text) => {
      // libvirt picks a USB device by its ids only; a port in the selector has no place here.
      const { vendor, product } = parseUsbSelector(text);
      return el('hostdev', { mode: 'subsystem', type: 'usb', managed: 'yes' }, [
        el('source', {}, [el('vendor', { id: `0x${vendor}` }), el('product', { id: `0x${product}` })]),
      ]);
    }),
  ].filter((x): x is XmlElement => x !== false);
}

function disks(manifest: Manifest, instance: PortalInstance): XmlElement[] {
  const out: XmlElement[] = [];
  const base = instance.artifacts.base;
  if (base) {
    out.push(
      el('disk', { type: 'file', device: 'disk' }, [
        el('driver', { name: 'qemu', type: 'qcow2' }),
        el('source', { file: instance.overlay }),
        el('backingStore', { type: 'file' }, [
          el('format', { type: base.format }),
          el('source', { file: base.path }),
          el('backingStore'),
        ]),
        el('target', { dev: 'vda', bus: 'virtio' }),
        el('serial', {}, ['root']),
        ...diskLimits(manifest),
      ]),
    );
  }
  for (const [index, name] of Object.keys(manifest.disks).sort().entries()) {
    out.push(
      el('disk', { type: 'file', device: 'disk' }, [
        el('driver', { name: 'qemu', type: 'qcow2' }),
        el('source', { file: instance.disks[name] }),
        el('target', { dev: `vd${String.fromCharCode(98 + index)}`, bus: 'virtio' }),
        el('serial', {}, [name]),
        ...diskLimits(manifest),
      ]),
    );
  }
  return out;
}

/** `limits.diskBandwidth` and `limits.diskIops` as libvirt's iotune, every disk in one named group (as QEMU's). */
function diskLimits(manifest: Manifest): XmlElement[] {
  const { diskBandwidth, diskIops } = manifest.limits;
  if (diskBandwidth === null && diskIops === null) return [];
  return [
    el('iotune', {}, [
      ...(diskBandwidth === null
        ? []
        : [el('total_bytes_sec', {}, [`${Math.round(diskBandwidth * 1024 * 1024)}`])]),
      ...(diskIops === null ? [] : [el('total_iops_sec', {}, [`${diskIops}`])]),
      el('group_name', {}, ['disk-limits']),
    ]),
  ];
}

function interfaces(manifest: Manifest, instance: PortalInstance): XmlElement[] {
  const nics = instance.nics.map((nic) =>
    el('interface', { type: 'ethernet' }, [
      el('mac', { address: nic.mac }),
      el('target', { dev: nic.tap, managed: 'no' }),
      el('model', { type: 'virtio' }),
    ]),
  );
  const uplink = instance.uplink;
  if (!uplink) return nics;
  if (uplink.kind === 'pci') return [...nics, pciHostdev(uplink.address)];
  const type = { user: 'user', tap: 'ethernet', fd: 'direct' }[uplink.kind];
  return [
    ...nics,
    el('interface', { type }, [
      el('mac', { address: uplink.mac }),
      uplink.kind === 'fd' && el('source', { dev: manifest.uplink.device ?? '', mode: 'private' }),
      uplink.kind === 'tap' && el('target', { dev: uplink.tap, managed: 'no' }),
      uplink.kind === 'user' && el('backend', { type: 'passt' }),
      el('model', { type: 'virtio' }),
    ]),
  ];
}

function pciHostdev(address: string): XmlElement {
  const [domain, bus, slotFunction] = address.split(':');
  const [slot, fn] = (slotFunction ?? '').split('.');
  return el('hostdev', { mode: 'subsystem', type: 'pci', managed: 'yes' }, [
    el('source', {}, [
      el('address', { domain: `0x${domain}`, bus: `0x${bus}`, slot: `0x${slot}`, function: `0x${fn}` }),
    ]),
  ]);
}
