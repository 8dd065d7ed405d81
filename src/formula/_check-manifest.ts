/**
 * @module Rules that look at one resolved manifest as a whole: fields that only make sense together
 * (microvm has no PCI bus, so no display, passthrough or PCI uplink), the address plan's rules per class,
 * and the uplink belonging to the universe router. Every finding points at the file and line that set the
 * value.
 * Pure: no I/O.
 */
import type { Diagnostic, ErrorCode } from '../errors/index.js';
import { hostNumberOn, roleOfHost } from './address-plan.js';
import { PCI_ADDRESS } from './formula-fields.js';
import type { ResolvedFormula } from './manifest.js';
import { isRouterPortal, locationOf } from './manifest.js';
import { originOf } from './merge.js';
import type { Manifest } from './schema.js';
import { type FieldPath, formatPath } from './yaml-locate.js';

type Report = (code: ErrorCode, path: FieldPath, message: string, hint: string) => void;

/** The Debian packages a graphical Debian portal needs for its display server (Xorg, input, X cookies). */
/** The least memory a portal booting through OVMF gets: measured, OVMF fails below 160 MiB under TCG. */
const OVMF_MIN_MEMORY = 256;

const DISPLAY_PACKAGES = ['xserver-xorg-core', 'xserver-xorg-input-evdev', 'xauth'] as const;

/** Every rule broken by one resolved formula. */
export function checkManifest(resolved: ResolvedFormula): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, path, message, hint) => {
    const where = locationOf(originOf(resolved.provenance, path), resolved.file, formatPath(path));
    diagnostics.push({ code, message: `${resolved.manifest.node}: ${message}`, where, hint });
  };
  checkClass(resolved.manifest, report);
  checkMachine(resolved.manifest, report);
  checkAgent(resolved.manifest, report);
  checkCmdline(resolved.manifest, report);
  checkStartup(resolved.manifest, report);
  checkDisplay(resolved.manifest, report);
  checkOnion(resolved.manifest, report);
  checkNetworks(resolved.manifest, report);
  checkUplink(resolved.manifest, report);
  checkPassthrough(resolved.manifest, report);
  return diagnostics;
}

function checkClass(m: Manifest, report: Report): void {
  const folder = m.node.split('/')[0];
  if (m.class !== folder) {
    report(
      'formula.class-mismatch',
      ['class'],
      `class is "${m.class}" but the formula lives under "${folder}/"`,
      `Set class: ${folder}, or move the formula to ${m.class}/.`,
    );
  }
}

function checkMachine(m: Manifest, report: Report): void {
  if (m.devices.tpm !== 'none' && m.boot.firmware === 'direct') {
    report(
      'formula.conflict',
      ['devices', 'tpm'],
      'a TPM needs firmware (ovmf or seabios)',
      'A directly booted PVH kernel loses its ACPI tables when a TPM is present; set boot.firmware: ovmf.',
    );
  }
  if (m.boot.firmware === 'ovmf' && m.machine.memory < OVMF_MIN_MEMORY) {
    report(
      'formula.conflict',
      ['machine', 'memory'],
      `OVMF needs at least ${OVMF_MIN_MEMORY} MiB of memory, not ${m.machine.memory}`,
      `Set machine.memory to ${OVMF_MIN_MEMORY} or more (below 160 MiB OVMF crashes before the kernel starts).`,
    );
  }
  if (m.machine.type !== 'microvm') {
    return;
  }
  const needsPci: [FieldPath, boolean, string][] = [
    [['boot', 'firmware'], m.boot.firmware !== 'direct', `firmware "${m.boot.firmware}"`],
    [['devices', 'display'], m.devices.display !== 'none', `a ${m.devices.display} display`],
    [['devices', 'tpm'], m.devices.tpm !== 'none', 'a TPM'],
    [['devices', 'pci'], m.devices.pci.length > 0, 'PCI passthrough'],
    [['devices', 'usb'], m.devices.usb.length > 0, 'USB passthrough'],
    [['uplink', 'mode'], m.uplink.mode === 'pci', 'a PCI (VFIO) uplink'],
    [['machine', 'balloon'], m.machine.balloon, 'a memory balloon'],
  ];
  for (const [path, broken, what] of needsPci) {
    if (broken) {
      report(
        'formula.conflict',
        path,
        `machine type microvm cannot have ${what}`,
        'microvm boots a kernel directly and has no PCI bus: use machine.type q35, or drop this setting.',
      );
    }
  }
}

function checkStartup(m: Manifest, report: Report): void {
  if (m.services.length > 0 && m.image.backend !== 'debian') {
    report(
      'formula.conflict',
      ['services'],
      `a ${m.image.backend} image has no init scripts to start services with`,
      'Set image.backend: debian (services are Debian init scripts, /etc/init.d/<name>), or drop services.',
    );
  }
  const [file] = m.program;
  if (file === undefined) return;
  if (!file.startsWith('/')) {
    report(
      'formula.invalid-value',
      ['program'],
      `program must start with an absolute path, not "${file}"`,
      'Name the program by its full path, e.g. /usr/bin/firefox-esr.',
    );
  }
  if (m.image.backend !== 'debian') {
    report(
      'formula.conflict',
      ['program'],
      `a ${m.image.backend} image cannot run a program from boot`,
      'Set image.backend: debian (the program runs through util-linux setpriv), or drop program.',
    );
  }
}

function checkDisplay(m: Manifest, report: Report): void {
  if (m.abstract || m.devices.display === 'none' || m.image.backend !== 'debian') return;
  const missing = DISPLAY_PACKAGES.filter((name) => !m.packages.includes(name));
  if (missing.length === 0) return;
  report(
    'formula.conflict',
    ['devices', 'display'],
    `a ${m.devices.display} display runs an X server, but the image lacks ${missing.join(', ')}`,
    `Add them to packages (here or in a parent formula): packages: [${missing.join(', ')}].`,
  );
}

function checkOnion(m: Manifest, report: Report): void {
  if (m.onion.ports.length === 0) return;
  const onStar = m.networks.find((a) => a.network === 'star' && !a.router);
  if (!onStar || onStar.address === 'dynamic') {
    report(
      'formula.conflict',
      ['onion', 'ports'],
      'an onion service needs the portal on star at a fixed address',
      'Attach it to star with an address from .10–.99 (networks: [{network: star, address: 10.2.2.13}]).',
    );
  }
  if (new Set(m.onion.ports).size !== m.onion.ports.length) {
    report('formula.invalid-value', ['onion', 'ports'], 'a port is listed twice', 'List each port once.');
  }
}

function checkCmdline(m: Manifest, report: Report): void {
  for (const [index, token] of m.boot.cmdline.entries()) {
    if (/^multiverse\./.test(token)) {
      report(
        'formula.conflict',
        ['boot', 'cmdline', index],
        `"${token}" is reserved for portalgun`,
        'portalgun sets multiverse.* kernel arguments itself (the agent trusts them); remove this token.',
      );
    }
  }
}

function checkAgent(m: Manifest, report: Report): void {
  if (m.agent.run.length > 0 && !m.agent.verbs.includes('run')) {
    report(
      'formula.conflict',
      ['agent', 'run'],
      'agent.run lists programs but the "run" verb is not accepted',
      'Add "run" to agent.verbs, or empty agent.run.',
    );
  }
}

function checkNetworks(m: Manifest, report: Report): void {
  const seen = new Set<string>();
  for (const [index, attachment] of m.networks.entries()) {
    const at: FieldPath = ['networks', index];
    if (seen.has(attachment.network)) {
      report(
        'formula.conflict',
        at,
        `attaches to "${attachment.network}" twice`,
        'Keep one attachment per network.',
      );
    }
    seen.add(attachment.network);
    if (m.class === 'application') {
      if (attachment.address !== 'dynamic' || attachment.router) {
        report(
          'formula.address-range',
          [...at, 'address'],
          'application portals get their address when they start',
          'Write address: dynamic (a free .100–.199 address is given to each instance).',
        );
      }
      continue;
    }
    if (attachment.address === 'dynamic') {
      report(
        'formula.address-range',
        [...at, 'address'],
        `${m.class} portals need a fixed address`,
        'Pick a free address in .10–.99 of the network (see docs/formula.md, "Address plan").',
      );
      continue;
    }
    const host = hostNumberOn(attachment.network, attachment.address);
    if (host === undefined) {
      report(
        'formula.address-range',
        [...at, 'address'],
        `${attachment.address} is not on the ${attachment.network} network`,
        'Use an address inside the network\'s /24 (see docs/formula.md, "Address plan").',
      );
      continue;
    }
    checkRole(m, attachment.router, host, [...at, 'address'], report);
  }
}

function checkRole(m: Manifest, router: boolean, host: number, at: FieldPath, report: Report): void {
  const role = roleOfHost(host);
  if (router !== (role === 'router')) {
    report(
      'formula.address-range',
      at,
      router ? 'the router of a network must hold its .1' : ".1 is reserved for the network's router",
      router
        ? "Set the address to the network's .1."
        : 'Pick an address in .10–.99, or set router: true if this portal routes the network.',
    );
  } else if (role === 'infrastructure' && !isRouterPortal(m)) {
    report(
      'formula.address-range',
      at,
      ".2–.9 are for routers' legs on the network above them",
      'Pick an address in .10–.99.',
    );
  } else if (role === 'application' || role === 'reserved') {
    report(
      'formula.address-range',
      at,
      `.${host} is in the ${role} range`,
      'Controllers and services take fixed addresses in .10–.99; .100–.199 are handed to application instances.',
    );
  }
}

function checkUplink(m: Manifest, report: Report): void {
  const { mode, device } = m.uplink;
  const needsDevice = mode === 'macvtap' || mode === 'pci' || mode === 'netns';
  if (needsDevice && device === null) {
    report(
      'formula.missing-field',
      ['uplink', 'device'],
      `uplink mode "${mode}" needs a device`,
      'Name the host interface (macvtap), PCI address (pci) or namespace (netns).',
    );
  }
  if (mode === 'pci' && device !== null && !PCI_ADDRESS.test(device)) {
    report(
      'formula.invalid-value',
      ['uplink', 'device'],
      `uplink mode "pci" takes a PCI address, not "${device}"`,
      "Write the NIC's full address as lspci -D shows it, e.g. 0000:03:00.0.",
    );
  }
  if (device?.includes('/') && mode !== 'macvtap') {
    report(
      'formula.invalid-value',
      ['uplink', 'device'],
      `uplink mode "${mode}" takes a plain name, not "${device}"`,
      'Only macvtap takes <namespace>/<interface>.',
    );
  }
  if (device?.split('/').some((part) => part.startsWith('.'))) {
    report(
      'formula.invalid-value',
      ['uplink', 'device'],
      `"${device}" is not a usable interface or namespace name`,
      'Names may not start with a dot.',
    );
  }
  if (!needsDevice && device !== null) {
    report(
      'formula.conflict',
      ['uplink', 'device'],
      `uplink mode "${mode}" takes no device`,
      'Remove uplink.device, or pick a mode that uses one.',
    );
  }
  const routesUniverse = m.networks.some((a) => a.router && a.network === 'universe');
  if (mode !== 'none' && !routesUniverse) {
    report(
      'formula.conflict',
      ['uplink', 'mode'],
      'only the router of the universe network may have an uplink',
      'Everything else reaches the outside through the router chain; set uplink.mode: none.',
    );
  }
}

function checkPassthrough(m: Manifest, report: Report): void {
  for (const key of ['pci', 'usb'] as const) {
    const list: readonly string[] = m.devices[key];
    for (const [index, entry] of list.entries()) {
      if (list.indexOf(entry) !== index) {
        report(
          'formula.conflict',
          ['devices', key, index],
          `"${entry}" is listed twice`,
          'List each device once.',
        );
      }
    }
  }
  const { mode, device } = m.uplink;
  if (mode === 'pci' && device !== null && m.devices.pci.includes(device)) {
    report(
      'formula.conflict',
      ['uplink', 'device'],
      `the uplink NIC ${device} is also in devices.pci`,
      'A pci uplink passes the NIC through already: remove it from devices.pci.',
    );
  }
}
