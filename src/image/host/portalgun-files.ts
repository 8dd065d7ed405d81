/**
 * @module The files of this portalgun that an image with `image.portalgun` carries (controllers run the same
 * portalgun one level down): package.json, bin/, the build in dist/, the formula tree, and the packages the
 * daemon loads at run time (the production dependencies, found the way Node resolves them), without source
 * maps, tests, type declarations or a native package's C sources and build leftovers. The CLI bundles carry
 * their own packages; the daemon is not bundled and needs node_modules.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';

/** A file to install: its path below the install folder, the host file, its mode. */
export interface PortalgunFile {
  readonly path: string;
  readonly source: string;
  readonly mode: number;
}

/** The folders of the checkout that are installed: the CLIs, their build, the guest agent, the daemon. */
const INSTALLED_FOLDERS = ['bin', 'dist/cli', 'dist/guest', 'dist/man', 'dist/src', 'formulas'];

/** Files no run needs: source maps, tests, TypeScript, documentation, a native build's sources. */
const SKIPPED_FILE = /\.(map|test\.js|ts|mts|cts|md|markdown|c|cc|cpp|h|hpp|gyp|gypi|o|a|mk)$/i;

/** Folders of a native package (one with binding.gyp) that only building it needs. */
const NATIVE_BUILD_ONLY = new Set(['deps', 'src', 'obj', 'obj.target', '.deps']);

async function filesUnder(dir: string, native: boolean): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || (native && NATIVE_BUILD_ONLY.has(entry.name))) continue;
      found.push(...(await filesUnder(full, native)));
    } else if (entry.isFile() && !SKIPPED_FILE.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

/** A package's run-time dependencies; a missing optional one (another platform's build) is no error. */
async function dependenciesOf(packageDir: string): Promise<{ name: string; optional: boolean }[]> {
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const optional = Object.keys(manifest.optionalDependencies ?? {});
  return [
    ...Object.keys(manifest.dependencies ?? {})
      .filter((name) => !optional.includes(name))
      .map((name) => ({ name, optional: false })),
    ...optional.map((name) => ({ name, optional: true })),
  ];
}

/** Where Node finds package `name` for code in `from`: the nearest node_modules on the way up to `root`. */
async function resolvePackage(name: string, from: string, root: string): Promise<string | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (await stat(path.join(candidate, 'package.json')).catch(() => undefined)) return candidate;
    if (dir === root || path.dirname(dir) === dir) return undefined;
  }
}

/** The production packages' folders: the root's dependencies and theirs, each once. */
async function productionPackages(root: string): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (dir: string) => {
    for (const { name, optional } of await dependenciesOf(dir)) {
      const resolved = await resolvePackage(name, dir, root);
      if (resolved === undefined) {
        if (optional) continue;
        throw new MvError(
          'image.build-failed',
          `Cannot install portalgun into the image: ${name} is missing`,
          {
            hint: 'Install the dependencies first: npm ci (scripts/setup.sh does this).',
          },
        );
      }
      if (found.has(resolved)) continue;
      found.add(resolved);
      await visit(resolved);
    }
  };
  await visit(root);
  return [...found].sort();
}

/** Every file to install from the portalgun at `root`, in path order. */
export async function portalgunFiles(root: string): Promise<PortalgunFile[]> {
  const sources: string[] = [path.join(root, 'package.json')];
  for (const folder of INSTALLED_FOLDERS) {
    const dir = path.join(root, folder);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new MvError('image.build-failed', `Cannot install portalgun into the image: ${dir} is missing`, {
        hint: 'Build it first: npm run build (scripts/setup.sh does this).',
      });
    }
    sources.push(...(await filesUnder(dir, false)));
  }
  for (const dir of await productionPackages(root)) {
    const native = await stat(path.join(dir, 'binding.gyp')).catch(() => undefined);
    sources.push(...(await filesUnder(dir, native !== undefined)));
  }
  const files: PortalgunFile[] = [];
  for (const source of sources) {
    const info = await stat(source);
    files.push({ path: path.relative(root, source), source, mode: info.mode & 0o111 ? 0o755 : 0o644 });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
