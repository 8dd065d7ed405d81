/**
 * @module What the archive offers, from its `Packages` indices (fetched and signature-checked by apt): the
 * highest version of each package for the host's architecture (or `all`), across every index of the
 * sources an image was built from; and which of an image's installed packages that makes out of date.
 * Pure: no I/O.
 */
import { compareDebianVersions } from './dpkg-version.js';

/** Package name → the highest version the indices offer. */
export type AvailableVersions = Map<string, string>;

/** One installed package the archive has a newer version of. */
export interface OutdatedPackage {
  readonly name: string;
  readonly installed: string;
  readonly available: string;
}

function offer(into: AvailableVersions, name: string, version: string): void {
  const known = into.get(name);
  if (known === undefined || compareDebianVersions(version, known) > 0) into.set(name, version);
}

/**
 * Adds the packages of one `Packages` index (deb822 stanzas; only `Package`, `Version` and `Architecture`
 * matter) to `into`, keeping the higher version of a name seen twice.
 */
export function addPackagesIndex(into: AvailableVersions, text: string, architecture: string): void {
  let name = '';
  let version = '';
  let arch = '';
  const flush = () => {
    if (name && version && (arch === architecture || arch === 'all')) offer(into, name, version);
    name = '';
    version = '';
    arch = '';
  };
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length + 1 : end + 1;
    if (line === '') flush();
    else if (line.startsWith('Package: ')) name = line.slice(9).trim();
    else if (line.startsWith('Version: ')) version = line.slice(9).trim();
    else if (line.startsWith('Architecture: ')) arch = line.slice(14).trim();
  }
  flush();
}

/**
 * The installed packages (`name=version`, as an image's SBOM lists them) that the archive offers a newer
 * version of, by name. A package the indices do not list (gone from the archive) is not counted.
 */
export function planOutdated(
  installed: readonly string[],
  available: ReadonlyMap<string, string>,
): OutdatedPackage[] {
  const outdated: OutdatedPackage[] = [];
  for (const entry of installed) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    const name = entry.slice(0, at);
    const version = entry.slice(at + 1);
    const newest = available.get(name);
    if (newest !== undefined && compareDebianVersions(newest, version) > 0) {
      outdated.push({ name, installed: version, available: newest });
    }
  }
  return outdated.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
