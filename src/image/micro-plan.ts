/**
 * @module Plans a micro image: exactly which files go into the initramfs (stage 1: busybox, init, kernel
 * modules) and into the root image (busybox userland, the Node.js runtime and agent, the programs of the
 * formula's packages with their shared libraries, the generated fstab, inittab and agent configuration).
 * The host adapter only carries the plan out, so the plan can be checked without building anything.
 * Pure: no I/O.
 */
import { digestJson } from '../digest/index.js';
import type { Manifest } from '../formula/index.js';
import { renderFstab } from '../share/index.js';
import {
  GUEST_PATHS,
  renderAgentConfig,
  renderInittab,
  renderStage1Init,
  renderSysinit,
} from './guest-init.js';
import { modulesFor } from './modules.js';

/** One file of an image: copied from the host, written from text, a symlink or a directory. */
export type ImageFile =
  | { readonly kind: 'host-file'; readonly path: string; readonly source: string; readonly mode: number }
  | { readonly kind: 'text'; readonly path: string; readonly text: string; readonly mode: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number };

/** What the host found for the build: files to copy, busybox's applets, module files. */
export interface MicroImageInputs {
  readonly formulaHash: string;
  /** The host owner's Scramble ID: the agent accepts only commands signed by them. */
  readonly owner: string;
  /** The static busybox on the host. */
  readonly busybox: string;
  /** Applet paths as `busybox --list-full` prints them (`bin/sh`, `sbin/ip`, …). */
  readonly applets: readonly string[];
  /** Modules in load order, each with its .ko file on the host. */
  readonly modules: readonly { readonly name: string; readonly source: string }[];
  /** The host's node binary and the agent bundle. */
  readonly node: string;
  readonly agentBundle: string;
  /** Shared libraries and package programs: guest path → host file (libraries keep their host paths). */
  readonly hostFiles: readonly { readonly path: string; readonly source: string; readonly mode: number }[];
}

/** The two halves of a micro image. */
export interface MicroImagePlan {
  readonly initramfs: readonly ImageFile[];
  readonly base: readonly ImageFile[];
}

const BASE_DIRS = [
  'bin',
  'sbin',
  'usr',
  'usr/bin',
  'usr/sbin',
  'usr/lib',
  'usr/lib/multiverse',
  'etc',
  'etc/multiverse',
  'lib',
  'lib64',
  'dev',
  'proc',
  'sys',
  'tmp',
  'run',
  'mnt',
  'root',
  'home',
  'home/user',
  'var',
  'var/log',
];

function dirsFor(paths: readonly string[]): ImageFile[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.replace(/^\/+/, '').split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort().map((path) => ({ kind: 'dir', path, mode: 0o755 }));
}

/** The initramfs: just enough to load modules and mount the root image. */
function planInitramfs(manifest: Manifest, inputs: MicroImageInputs): ImageFile[] {
  return [
    ...['bin', 'dev', 'etc', 'lib', 'lib/modules', 'proc', 'sys', 'sysroot'].map(
      (path): ImageFile => ({ kind: 'dir', path, mode: 0o755 }),
    ),
    { kind: 'host-file', path: 'bin/busybox', source: inputs.busybox, mode: 0o755 },
    { kind: 'text', path: 'init', text: renderStage1Init(inputs.modules.map((m) => m.name)), mode: 0o755 },
    {
      kind: 'text',
      path: 'etc/portal',
      text: `${manifest.portalName}\n${inputs.formulaHash}\n`,
      mode: 0o644,
    },
    ...inputs.modules.map(
      (m): ImageFile => ({
        kind: 'host-file',
        path: `lib/modules/${m.name}.ko`,
        source: m.source,
        mode: 0o644,
      }),
    ),
  ];
}

/** The root image: the portal's whole userland. Later entries replace earlier ones at the same path. */
function planBase(manifest: Manifest, inputs: MicroImageInputs): ImageFile[] {
  const files: ImageFile[] = [
    { kind: 'host-file', path: 'bin/busybox', source: inputs.busybox, mode: 0o755 },
    ...inputs.applets
      .filter((a) => a !== 'bin/busybox')
      .map((path): ImageFile => ({ kind: 'symlink', path, target: '/bin/busybox' })),
    // The agent runs /bin/ip (where Debian's iproute2 puts it); busybox's applet lives in /sbin.
    { kind: 'symlink', path: 'bin/ip', target: '/bin/busybox' },
    ...inputs.hostFiles.map(
      (f): ImageFile => ({
        kind: 'host-file',
        path: f.path.replace(/^\/+/, ''),
        source: f.source,
        mode: f.mode,
      }),
    ),
    { kind: 'host-file', path: GUEST_PATHS.node.slice(1), source: inputs.node, mode: 0o755 },
    { kind: 'host-file', path: GUEST_PATHS.agent.slice(1), source: inputs.agentBundle, mode: 0o644 },
    {
      kind: 'text',
      path: GUEST_PATHS.agentConfig.slice(1),
      text: renderAgentConfig(manifest, inputs.owner),
      mode: 0o644,
    },
    { kind: 'text', path: GUEST_PATHS.sysinit.slice(1), text: renderSysinit(), mode: 0o755 },
    { kind: 'text', path: 'etc/inittab', text: renderInittab(manifest), mode: 0o644 },
    {
      kind: 'text',
      path: 'etc/fstab',
      text: renderFstab(manifest, { hash: inputs.formulaHash }),
      mode: 0o644,
    },
    { kind: 'text', path: 'etc/hostname', text: 'host\n', mode: 0o644 },
    {
      kind: 'text',
      path: 'etc/passwd',
      text: 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n',
      mode: 0o644,
    },
    { kind: 'text', path: 'etc/group', text: 'root:x:0:\nuser:x:1000:\n', mode: 0o644 },
  ];
  const byPath = new Map<string, ImageFile>();
  for (const file of files) byPath.set(file.path, file);
  const leaves = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirs = new Map<string, ImageFile>();
  for (const dir of [
    ...BASE_DIRS.map((path): ImageFile => ({ kind: 'dir', path, mode: path === 'tmp' ? 0o1777 : 0o755 })),
    ...dirsFor(leaves.map((f) => f.path)),
  ]) {
    if (!dirs.has(dir.path)) dirs.set(dir.path, dir);
  }
  return [...[...dirs.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), ...leaves];
}

/** The full plan of a micro image. */
export function planMicroImage(manifest: Manifest, inputs: MicroImageInputs): MicroImagePlan {
  return { initramfs: planInitramfs(manifest, inputs), base: planBase(manifest, inputs) };
}

/** Digest of everything the builder writes from the manifest alone (boot scripts, inittab, agent config,
 * fstab, the wanted modules), so a change to any of them gives the image a new key. */
export function guestFilesDigest(
  manifest: Manifest,
  options: { formulaHash: string; owner: string },
): string {
  return digestJson([
    renderStage1Init(modulesFor(manifest)),
    renderSysinit(),
    renderInittab(manifest),
    renderAgentConfig(manifest, options.owner),
    renderFstab(manifest, { hash: options.formulaHash }),
  ]);
}
