/**
 * @module Installs the Debian generic kernel into the image store without installing it on the host:
 * resolves `linux-image-amd64`'s current dependency, downloads the package, unpacks it, and extracts the
 * uncompressed PVH `vmlinux` from the bzImage once (so no portal pays ~2.5 s of XZ decompression under
 * emulation on every boot). The bzImage itself is kept too: firmware (OVMF, SeaBIOS) boots it, not the PVH
 * vmlinux. The cloud kernel is not an option: it has no 9p.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { findBzImagePayload, hasPvhEntryNote } from '../kernel-image.js';
import { blobPath, kernelDir } from '../layout.js';
import { putBlob } from './store.js';

/** What is recorded about an installed kernel (kernel.json). */
export interface KernelInfo {
  readonly name: string;
  readonly package: string;
  readonly release: string;
  /** The PVH vmlinux, as a blob of the content-addressed store (direct boot). */
  readonly vmlinuxDigest: string;
  /** Debian's bzImage, as a blob (boot through firmware). */
  readonly bzImageDigest: string;
  readonly modules: string;
}

/** The package `linux-image-amd64` currently depends on, from `apt-cache depends` output. */
export function parseKernelDependency(text: string): string | undefined {
  return /Depends: (linux-image-\d[^\s]*)/.exec(text)?.[1];
}

/** The installed kernel's record, or undefined if none is installed under that name. */
export async function readKernel(stateRoot: string, name: string): Promise<KernelInfo | undefined> {
  const file = path.join(kernelDir(stateRoot, name), 'kernel.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as KernelInfo;
}

/** Installs (or keeps) the generic kernel under `name`; `force` reinstalls. */
export async function installKernel(
  stateRoot: string,
  options: { name?: string; force?: boolean; log?: (line: string) => void } = {},
): Promise<KernelInfo> {
  const name = options.name ?? 'debian-generic';
  const log = options.log ?? (() => undefined);
  const { stdout } = await runCommand('apt-cache', ['depends', 'linux-image-amd64']);
  const pkg = parseKernelDependency(stdout.toString());
  if (!pkg) {
    throw new MvError(
      'image.kernel-missing',
      'Cannot tell which kernel package linux-image-amd64 depends on',
      {
        hint: 'Run "apt-get update" and try again.',
      },
    );
  }
  const current = await readKernel(stateRoot, name);
  if (
    current &&
    current.package === pkg &&
    !options.force &&
    existsSync(blobPath(stateRoot, current.vmlinuxDigest)) &&
    current.bzImageDigest !== undefined &&
    existsSync(blobPath(stateRoot, current.bzImageDigest))
  ) {
    return current;
  }

  const dir = kernelDir(stateRoot, name);
  await mkdir(path.dirname(dir), { recursive: true });
  const work = await mkdtemp(`${dir}.partial-`);
  try {
    log(`downloading ${pkg}`);
    await runCommand('apt-get', ['download', '-o', 'APT::Sandbox::User=root', pkg], { cwd: work });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new MvError('image.kernel-missing', `apt-get download produced no .deb for ${pkg}`);
    log(`unpacking ${deb}`);
    await runCommand('dpkg-deb', ['-x', path.join(work, deb), path.join(work, 'root')]);
    const bzImage = (await readdir(path.join(work, 'root/boot'))).find((f) => f.startsWith('vmlinuz-'));
    if (!bzImage) throw new MvError('image.kernel-missing', `${pkg} holds no /boot/vmlinuz-*`);
    const release = bzImage.slice('vmlinuz-'.length);
    log('extracting the PVH vmlinux');
    await writeFile(path.join(work, 'vmlinux'), await extractVmlinux(path.join(work, 'root/boot', bzImage)));
    const vmlinuxDigest = await putBlob(stateRoot, path.join(work, 'vmlinux'));
    const bzImageDigest = await putBlob(stateRoot, path.join(work, 'root/boot', bzImage));
    await rename(path.join(work, 'root/lib/modules', release), path.join(work, 'modules'));
    await rm(path.join(work, 'root'), { recursive: true, force: true });
    await rm(path.join(work, deb), { force: true });
    const info: KernelInfo = {
      name,
      package: pkg,
      release,
      vmlinuxDigest,
      bzImageDigest,
      modules: path.join(dir, 'modules'),
    };
    await writeFile(path.join(work, 'kernel.json'), `${JSON.stringify(info, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    await chmod(dir, 0o755);
    return info;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The kernel blob a boot uses: the PVH vmlinux for a direct boot, the bzImage under firmware. */
export function bootKernelDigest(kernel: KernelInfo, firmware: 'direct' | 'ovmf' | 'seabios'): string {
  return firmware === 'direct' ? kernel.vmlinuxDigest : kernel.bzImageDigest;
}

/** Decompresses the kernel payload of a bzImage into an ELF vmlinux and checks its PVH entry note. */
export async function extractVmlinux(bzImagePath: string): Promise<Buffer> {
  const image = await readFile(bzImagePath);
  const payload = findBzImagePayload(image);
  if (payload.compression !== 'xz') {
    throw new MvError(
      'image.bad-kernel',
      `Kernel payload is ${payload.compression}-compressed; only xz is supported`,
      {
        hint: 'Use the Debian generic kernel (linux-image-amd64).',
      },
    );
  }
  const { stdout } = await runCommand('xz', ['-dc', '--single-stream'], {
    input: image.subarray(payload.offset, payload.offset + payload.length),
  });
  if (!hasPvhEntryNote(stdout)) {
    throw new MvError('image.bad-kernel', 'The extracted vmlinux has no Xen PVH entry note', {
      hint: 'QEMU can boot only PVH kernels directly on microvm; use the Debian generic kernel.',
    });
  }
  return stdout;
}
