/**
 * @module The formula field table: every field a formula may set, with its type, default, merge rule and
 * description, in one place. The formula file schema, the manifest schema, the JSON Schema and
 * `docs/formula.md` are all generated from this table.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { AGENT_VERBS, DEFAULT_SHARE_MOUNT_POINT } from '../guest-abi/index.js';
import { record, section, value } from './_field-spec.js';
import { NETWORK_NAMES, PORTAL_MAC_PREFIX, parseIpv4 } from './address-plan.js';

/** The three portal classes; the top folder of the tree names the class. */
export const PORTAL_CLASSES = ['application', 'controller', 'service'] as const;

/** A portal class. */
export type PortalClass = (typeof PORTAL_CLASSES)[number];

const kebabName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,62}$/,
    'must be a lower-case name: letters, digits and "-", starting with a letter',
  );

const absolutePath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]*$/, 'must be an absolute path of letters, digits, ".", "_", "-" and "/"')
  .refine((path) => !path.split('/').includes('..'), 'must not contain ".."');

/** A host CPU list as taskset and cpusets write it: `1`, `2-3`, `0,2-3`, each range upwards. */
const cpuList = z
  .string()
  .regex(/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/, {
    message: 'must be a CPU list such as 1, 2-3 or 0,2-3',
    abort: true,
  })
  .refine(
    (list) =>
      list.split(',').every((range) => {
        const [first = 0, last = first] = range.split('-').map(Number);
        return first <= last;
      }),
    'each range must run upwards, such as 2-3',
  );

const debianPackage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]+$/, 'must be a Debian package name (lower case, digits, "+", "-", ".")');

const ipv4 = z.string().refine((text) => parseIpv4(text) !== undefined, 'must be a dotted-quad IPv4 address');

/** A full PCI address, domain:bus:slot.function, in the lower case sysfs uses. */
export const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

const pciAddress = z.string().regex(PCI_ADDRESS, 'must be a full PCI address such as 0000:00:14.0');

const usbId = z
  .string()
  .regex(
    /^[0-9a-f]{4}:[0-9a-f]{4}(@[1-9][0-9]*-[1-9][0-9]*(\.[1-9][0-9]*)*)?$/,
    'must be a USB vendor:product id such as 046d:c52b, optionally @<bus>-<port> such as 046d:c52b@1-1.4',
  );

const macPrefix = z
  .string()
  .regex(/^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/, 'must be three lower-case hex octets such as 00:00:10')
  .refine((prefix) => prefix !== '52:54:00', "must not be QEMU's 52:54:00, which marks the machine as a VM");

const networkAttachment = z.strictObject({
  network: z.enum(NETWORK_NAMES).describe('Which portal network to attach to.'),
  address: z
    .union([z.literal('dynamic'), ipv4], { error: 'must be "dynamic" or a dotted-quad IPv4 address' })
    .describe(
      'A fixed IPv4 address from the plan (routers, controllers, services), or "dynamic" for application ' +
        'instances, which get a free address from .100–.199 when they start.',
    ),
  router: z.boolean().default(false).describe('This portal routes the network (it must then hold its .1).'),
});

/** The whole formula, as a section of sections. */
export const FORMULA_FIELDS = section('A portal formula: one node of the formula tree.', {
  class: value(z.enum(PORTAL_CLASSES), {
    doc: 'Portal class. Set by the top-level formula of each class folder; must match that folder.',
  }),
  abstract: value(z.boolean(), {
    default: false,
    merge: 'not-inherited',
    doc: 'A layer of the tree that is never started on its own (for example application/browser).',
  }),
  description: value(z.string().max(200), {
    default: '',
    doc: 'One sentence saying what the portal is for.',
  }),
  machine: section('The virtual hardware.', {
    type: value(z.enum(['microvm', 'q35']), {
      default: 'microvm',
      doc: 'QEMU machine: microvm (virtio-mmio, direct kernel boot, fastest) or q35 (PCI, firmware, displays).',
    }),
    vcpus: value(z.number().int().min(1).max(64), { default: 1, doc: 'Virtual CPUs.' }),
    memory: value(z.number().int().min(64).max(1048576), { default: 256, doc: 'Guest memory in MiB.' }),
    balloon: value(z.boolean(), {
      default: false,
      doc: 'Attach a memory balloon. Off by default: ballooning lets the host read guest memory pressure.',
    }),
    cpuset: value(cpuList.nullable(), {
      default: null,
      doc: 'Host CPUs the vCPU threads may run on (for real-time work, CPUs the host keeps otherwise idle), set once QEMU starts and shown in `status`; null: anywhere. Every CPU named must be online.',
    }),
    priority: value(z.number().int().min(1).max(99).nullable(), {
      default: null,
      doc: 'Real-time priority of the vCPU threads under SCHED_FIFO (1 to 99), set once QEMU starts and shown in `status`; null: the normal scheduler. Pair it with a cpuset, so a busy guest cannot starve the host.',
    }),
  }),
  limits: section(
    "What the portal's QEMU may take from the host, enforced by a control group of its own (cgroup v2, or the v1 controllers where the host has no v2 ones) and a size-capped log folder.",
    {
      cpuWeight: value(z.number().int().min(1).max(10_000), {
        default: 100,
        doc: "Share of the host's CPU time against other portals when the CPUs are busy (cgroup cpu.weight; 100 is an even share).",
      }),
      cpuMax: value(z.number().min(0.01).max(1024).nullable(), {
        default: null,
        doc: 'At most this many host CPUs of time, such as 0.5 or 2 (cgroup cpu.max); null: no cap beyond the vCPUs.',
      }),
      memoryOverhead: value(z.number().int().min(64).max(65_536), {
        default: 256,
        doc: "MiB QEMU may use beyond machine.memory (its own code, device buffers, the logs); the cgroup's memory.max is their sum.",
      }),
      pids: value(z.number().int().min(32).max(65_536), {
        default: 512,
        doc: 'Processes and threads QEMU may have at once (cgroup pids.max): its vCPUs, I/O and 9p worker threads.',
      }),
      diskBandwidth: value(z.number().min(0.1).max(100_000).nullable(), {
        default: null,
        doc: "MiB per second the portal's disks may read and write together (one QEMU throttle group over them all, enforced below the guest); null: no cap.",
      }),
      diskIops: value(z.number().int().min(10).max(10_000_000).nullable(), {
        default: null,
        doc: "Reads and writes per second the portal's disks may make together (the same throttle group); null: no cap.",
      }),
      logs: value(z.number().int().min(1).max(1024), {
        default: 16,
        doc: "MiB for the portal's console log, status channel and QEMU log together, in a folder of that size (tmpfs); the console log is rotated so its latest output is kept.",
      }),
    },
  ),
  boot: section('How the portal boots.', {
    firmware: value(z.enum(['direct', 'ovmf', 'seabios']), {
      default: 'direct',
      doc: "direct: QEMU loads the PVH kernel itself (required on microvm); ovmf: UEFI from Debian's ovmf (code read-only, a variable store per portal, thrown away with it); seabios: Debian's SeaBIOS. Both firmwares boot Debian's bzImage (q35 only).",
    }),
    kernel: value(kebabName, {
      default: 'debian-generic',
      doc: 'Kernel in the image store (for microvm, its uncompressed PVH vmlinux).',
    }),
    cmdline: value(z.array(z.string().regex(/^[^\s"']+$/, 'must be one token without spaces or quotes')), {
      default: [],
      merge: 'append',
      doc: 'Extra kernel command-line tokens, after the ones portalgun always sets.',
    }),
  }),
  image: section('The read-only base image the throwaway overlay sits on.', {
    backend: value(z.enum(['micro', 'debian']), {
      default: 'micro',
      doc: "Image builder: micro (busybox initramfs from the host's files) or debian (debootstrap root image).",
    }),
    components: value(z.array(z.enum(['main', 'contrib', 'non-free', 'non-free-firmware'])), {
      default: ['main'],
      merge: 'append',
      doc: "Debian archive components the image's apt sources list (main always); shown in the image manifest, part of each layer's key (Debian images).",
    }),
    architectures: value(z.array(z.enum(['i386'])), {
      default: [],
      merge: 'append',
      doc: "Foreign architectures dpkg accepts besides amd64 (multiarch), for packages that need their libraries, such as steam-installer's i386 ones; shown in the image manifest, part of the layer's key (Debian images).",
    }),
    portalgun: value(z.boolean(), {
      default: false,
      doc: 'Install the portalgun the host runs (its build, formula tree and run-time packages, with the Node.js the agent uses) into the image under /usr/lib/multiverse/portalgun, with portalgun and scramble on the PATH, and the CPU vendor’s KVM module loaded so the portals it nests get KVM; part of the image key, so a new build makes a new image.',
    }),
  }),
  disks: record(
    'Extra disks besides the root overlay, by name. Ephemeral (deleted when the portal stops) unless persistent.',
    kebabName,
    section('One extra disk.', {
      size: value(z.number().int().min(1).max(16777216), { doc: 'Size in MiB.' }),
      persistent: value(z.boolean(), {
        default: false,
        doc: 'Keep the disk as a named volume that survives the portal (opt-in).',
      }),
      mountPoint: value(absolutePath.nullable(), {
        default: null,
        doc: "Where the guest mounts the disk at boot, before the network and the program start; it gets an ext2 file system while it is still blank (owned by the program's user, nobody, when the formula has a program). null leaves it a bare block device.",
      }),
    }),
  ),
  networks: value(z.array(networkAttachment), {
    default: [],
    doc: 'Network attachments, one NIC each, with MAC and IP from the address plan.',
  }),
  uplink: section("The physical side of the chain (only the universe router's formula has one).", {
    mode: value(z.enum(['none', 'user', 'macvtap', 'pci', 'netns']), {
      default: 'none',
      doc: 'none; user (QEMU user-mode networking); macvtap (on a host interface); pci (VFIO NIC); netns (veth).',
    }),
    device: value(
      z
        .string()
        .regex(
          /^[A-Za-z0-9:._-]+(\/[A-Za-z0-9:._-]+)?$/,
          'must be an interface name, <namespace>/<interface>, or PCI address',
        )
        .nullable(),
      {
        default: null,
        doc: 'LAN interface (macvtap: <interface> in the host namespace, or <namespace>/<interface>), PCI address (pci) or namespace name (netns); null for none and user.',
      },
    ),
    address: value(
      z
        .string()
        .regex(
          /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/,
          'must be an IPv4 address with its prefix, e.g. 192.168.1.2/24',
        )
        .nullable(),
      { default: null, doc: 'Static address of the uplink (CIDR); null asks the LAN by DHCP.' },
    ),
    gateway: value(ipv4.nullable(), { default: null, doc: "The LAN's gateway for a static uplink address." }),
  }),
  vpn: section("The galaxy router's WireGuard tunnel; its private key is read from the router's share.", {
    endpoint: value(
      z
        .string()
        .regex(
          /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/,
          'must be an IPv4 address and UDP port, e.g. 198.51.100.7:51820',
        )
        .nullable(),
      { default: null, doc: 'The VPN server (ip:port); null means no tunnel, so nothing leaves galaxy.' },
    ),
    publicKey: value(
      z
        .string()
        .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'must be a WireGuard public key')
        .nullable(),
      {
        default: null,
        doc: "The VPN server's WireGuard public key.",
      },
    ),
    address: value(
      z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 address with its prefix')
        .nullable(),
      {
        default: null,
        doc: "This router's address inside the tunnel (CIDR), as the VPN provider assigned it.",
      },
    ),
  }),
  onion: section(
    "An onion service for this portal, published by the star router's Tor (the portal sits on star at a fixed address).",
    {
      ports: value(z.array(z.number().int().min(1).max(65_535)).max(16), {
        default: [],
        doc: "TCP ports the onion service forwards to the same ports of this portal; its key and .onion name are kept on star's volume and shown by portalgun status star.",
      }),
    },
  ),
  share: section("The one 9p share, tag multiverse-portal, backed by the portal's own host folder.", {
    enabled: value(z.boolean(), { default: true, doc: 'Attach the share.' }),
    mountPoint: value(absolutePath, {
      default: DEFAULT_SHARE_MOUNT_POINT,
      doc: 'Where the guest mounts it.',
    }),
    readOnly: value(z.boolean(), { default: false, doc: 'Export the whole share read-only.' }),
    quota: value(z.number().int().min(16).max(16777216), {
      default: 1024,
      doc: "Most the guest can store in the share, in MiB: the share is a sparse ext4 image of this size on the host, so a guest that writes endlessly gets ENOSPC and cannot fill the host's disk.",
    }),
    subfolders: record(
      'Folders inside the share, by name, each optionally bound to a place in the guest.',
      kebabName,
      section('One subfolder of the share.', {
        readOnly: value(z.boolean(), {
          default: false,
          doc: 'The guest may read but not write it: the host keeps it outside the share and exports it read-only.',
        }),
        mountPoint: value(absolutePath.nullable(), {
          default: null,
          doc: 'Guest path the subfolder is bound to, or null to leave it inside the share.',
        }),
      }),
    ),
  }),
  devices: section('Devices besides disks, NICs and the share.', {
    rng: value(z.boolean(), { default: true, doc: "virtio-rng fed from the host's /dev/urandom." }),
    console: value(z.boolean(), { default: true, doc: 'Serial console (a unix socket and a log file).' }),
    display: value(z.enum(['none', 'spice', 'vnc']), {
      default: 'none',
      doc: 'Graphical display, always on a unix socket, never a TCP port (q35 only). A Debian image runs Xorg on it, with the program as its client (its packages must include xserver-xorg-core, xserver-xorg-input-evdev and xauth); a micro image shows its console there.',
    }),
    tpm: value(z.enum(['none', 'ephemeral', 'persistent']), {
      default: 'none',
      doc: "Emulated TPM 2.0 through swtpm, run per portal as the portal's own account (q35 with firmware only): ephemeral keeps its state in the run folder (a new TPM every boot), persistent in the portal's volumes.",
    }),
    pci: value(z.array(pciAddress), {
      default: [],
      doc: 'Host PCI devices passed through with VFIO (q35 only).',
    }),
    usb: value(z.array(usbId), {
      default: [],
      doc: 'Host USB devices passed through by vendor:product (q35 only); add @<bus>-<port> (as in /sys/bus/usb/devices, e.g. 046d:c52b@1-1.4) when the host has two alike.',
    }),
  }),
  packages: value(z.array(debianPackage), {
    default: [],
    merge: 'append',
    doc: 'Packages the image builder installs (debian) or whose binaries it copies in (micro).',
  }),
  services: value(z.array(kebabName), {
    default: [],
    merge: 'append',
    doc: 'Debian init scripts (/etc/init.d/<name>) started at boot before the agent reports ready; one that is missing or fails to start fails the boot (Debian images).',
  }),
  program: value(z.array(z.string().min(1).max(4096)).max(64), {
    default: [],
    doc: 'The program a Debian portal runs from boot, as argv (first an absolute path): started by init as the unprivileged user nobody (HOME=/tmp, no capabilities, no new privileges) and started again 2 s after it exits. With a display it waits for the X server and is its client.',
  }),
  agent: section('What the portal agent accepts.', {
    verbs: value(z.array(z.enum(AGENT_VERBS)), {
      default: ['ping', 'status', 'poweroff', 'shell'],
      merge: 'append',
      doc: "Agent verbs this portal accepts; everything else is refused. `shell` (portalgun shell: a root shell, each step signed) is accepted by default; the owner's policy decides who may open one, and the default policy grants none into a router.",
    }),
    run: value(z.array(absolutePath), {
      default: [],
      merge: 'append',
      doc: 'Absolute paths of the programs the `run` verb may start (needs the run verb).',
    }),
  }),
  restart: value(z.enum(['no', 'on-failure', 'always']), {
    default: 'no',
    doc: 'What the daemon does when QEMU ends without the owner asking: no (stays down), on-failure (started again unless the guest powered itself off), always (started again). Restarts wait 1 s, doubling up to 60 s; after 5 in a row without 5 healthy minutes the portal is left crashed (a crash loop). A down is never undone.',
  }),
  startOrder: value(z.number().int().min(0).max(999), {
    default: 100,
    doc: 'Orders routers at the same depth of the chain (lower first). A portal starts only while the router its packets leave by is ready; portalgun up starts the missing routers first, upstream first.',
  }),
  hardening: section('Hardening flags; all on by default.', {
    sandbox: value(z.boolean(), { default: true, doc: "QEMU's seccomp sandbox with every deny option." }),
    hideKvm: value(z.boolean(), { default: true, doc: 'Hide the KVM signature from the guest (kvm=off).' }),
    macPrefix: value(macPrefix, { default: PORTAL_MAC_PREFIX, doc: 'MAC prefix of portal NICs.' }),
  }),
});
