/**
 * @module Which Debian archive images are built from, and the sources a layer is built with. The archive
 * comes from the host's own apt sources (the entry for bookworm `main`, and the one for bookworm-security),
 * unless the daemon's `PORTALGUN_DEBIAN_MIRROR` / `PORTALGUN_DEBIAN_SECURITY_MIRROR` name another; the
 * project never writes a mirror's name itself. Every layer then gets the release, its `-updates` and its
 * `-security` suites, so images carry security fixes. Sources for another release, or none at all, are
 * refused with what to do rather than guessed around.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import type { AptSource } from './apt-sources.js';

/** The Debian release every layer is built from. */
export const DEBIAN_SUITE = 'bookworm';

/** Debian's archive components, in the order sources list them. */
export const DEBIAN_COMPONENTS = ['main', 'contrib', 'non-free', 'non-free-firmware'] as const;

/** One archive component. */
export type DebianComponent = (typeof DEBIAN_COMPONENTS)[number];

/** Debian's archive keys (package debian-archive-keyring), on the host and in every minbase. */
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** The names Debian releases go by: a main entry for one of these that is not bookworm is another release. */
const DEBIAN_RELEASES = new Set([
  'buster',
  'bullseye',
  'trixie',
  'forky',
  'duke',
  'sid',
  'experimental',
  'stable',
  'oldstable',
  'oldoldstable',
  'testing',
  'unstable',
]);

/** A plain http(s) URL: all debootstrap and the layer script accept, and nothing a shell would read. */
const ARCHIVE_URI = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~/+-]*)?$/;

/** The archive and security archive images are built from, and where each was configured. */
export interface DebianArchive {
  readonly archive: string;
  readonly security: string;
  /** `PORTALGUN_DEBIAN_MIRROR`, or the host's `file:line` it came from. */
  readonly archiveFrom: string;
  readonly securityFrom: string;
}

/** The daemon's overrides (`PORTALGUN_DEBIAN_MIRROR`, `PORTALGUN_DEBIAN_SECURITY_MIRROR`), if set. */
export interface ArchiveOverride {
  readonly archive?: string;
  readonly security?: string;
}

/** What one layer is built from: the archives, the release and the components (main always among them). */
export interface DebianSources {
  readonly suite: string;
  readonly archive: string;
  readonly security: string;
  readonly components: DebianComponent[];
  /** Foreign architectures dpkg accepts (multiarch); absent when there are none. */
  readonly architectures?: 'i386'[] | undefined;
}

const FIX_HOST =
  'List it in /etc/apt/sources.list or /etc/apt/sources.list.d/ (check with apt-get update), or set ' +
  'PORTALGUN_DEBIAN_MIRROR (and PORTALGUN_DEBIAN_SECURITY_MIRROR) for the daemon.';

/** Whether a URL is a plain http(s) archive URL without a trailing slash (safe inside the layer script). */
export function isArchiveUri(uri: string): boolean {
  return ARCHIVE_URI.test(uri) && !uri.endsWith('/');
}

/** A URI without its trailing slashes, checked to be plain http(s). */
function checkedUri(uri: string, from: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  if (!isArchiveUri(trimmed)) {
    throw new MvError(
      'debian.bad-archive-uri',
      `The Debian archive URL "${uri}" (${from}) is not a plain http(s) URL`,
      {
        hint: 'Layers are built with debootstrap and apt over http or https (signatures are checked either way); set PORTALGUN_DEBIAN_MIRROR to such a URL.',
      },
    );
  }
  return trimmed;
}

function enabledDebs(sources: readonly AptSource[]): AptSource[] {
  return sources.filter((source) => source.enabled && source.types.includes('deb'));
}

function findArchive(sources: readonly AptSource[]): { uri: string; from: string } {
  const debs = enabledDebs(sources);
  const found = debs.find((s) => s.suites.includes(DEBIAN_SUITE) && s.components.includes('main'));
  if (found?.uris[0]) return { uri: found.uris[0], from: found.where };
  const others = debs.flatMap((s) =>
    s.components.includes('main') ? s.suites.filter((suite) => DEBIAN_RELEASES.has(suite)) : [],
  );
  if (others.length > 0) {
    throw new MvError(
      'debian.wrong-release',
      `The host's apt sources are for ${[...new Set(others)].join(', ')}, not ${DEBIAN_SUITE}: Multiverse builds ${DEBIAN_SUITE} images`,
      { hint: `Add a source for ${DEBIAN_SUITE} main (the release named by its code name). ${FIX_HOST}` },
    );
  }
  throw new MvError(
    'debian.no-archive',
    `The host's apt sources list no Debian archive with ${DEBIAN_SUITE} main`,
    {
      hint: FIX_HOST,
    },
  );
}

function findSecurity(sources: readonly AptSource[]): { uri: string; from: string } {
  const suite = `${DEBIAN_SUITE}-security`;
  const found = enabledDebs(sources).find((s) => s.suites.includes(suite));
  if (found?.uris[0]) return { uri: found.uris[0], from: found.where };
  throw new MvError(
    'debian.no-security-archive',
    `The host's apt sources list no security archive (suite ${suite}): images built from them would get no security fixes`,
    { hint: `Add Debian's security archive with suite ${suite}. ${FIX_HOST}` },
  );
}

/**
 * The archive to build from: the daemon's overrides first, then the host's sources. Refuses host sources
 * apt itself would refuse (`problems`), sources for another release, and sources without a security archive.
 */
export function resolveDebianArchive(
  host: { readonly sources: readonly AptSource[]; readonly problems: readonly string[] },
  override: ArchiveOverride = {},
): DebianArchive {
  const needHost = override.archive === undefined || override.security === undefined;
  if (needHost && host.problems.length > 0) {
    throw new MvError(
      'debian.sources-invalid',
      `The host's apt sources cannot be read: ${host.problems.join('; ')}`,
      {
        hint: 'Fix the file named (apt-get update shows the same error).',
      },
    );
  }
  const archive =
    override.archive === undefined
      ? findArchive(host.sources)
      : { uri: override.archive, from: 'PORTALGUN_DEBIAN_MIRROR' };
  const security =
    override.security === undefined
      ? findSecurity(host.sources)
      : { uri: override.security, from: 'PORTALGUN_DEBIAN_SECURITY_MIRROR' };
  return {
    archive: checkedUri(archive.uri, archive.from),
    security: checkedUri(security.uri, security.from),
    archiveFrom: archive.from,
    securityFrom: security.from,
  };
}

/** The components a layer is built with: main and the formula's, in Debian's order, each once. */
export function planComponents(requested: readonly string[]): DebianComponent[] {
  return DEBIAN_COMPONENTS.filter((component) => component === 'main' || requested.includes(component));
}

/** The sources of a layer: the archive and the components it asks for. */
export function planDebianSources(
  archive: DebianArchive,
  components: readonly string[],
  architectures: readonly 'i386'[] = [],
): DebianSources {
  return {
    suite: DEBIAN_SUITE,
    archive: archive.archive,
    security: archive.security,
    components: planComponents(components),
    ...(architectures.length > 0 ? { architectures: [...architectures] } : {}),
  };
}

/** The deb822 `.sources` file of a layer: the release and its updates on the archive, security on its own. */
export function renderDebianSources(sources: DebianSources): string {
  const stanza = (uri: string, suites: string) =>
    [
      'Types: deb',
      `URIs: ${uri}`,
      `Suites: ${suites}`,
      `Components: ${sources.components.join(' ')}`,
      `Signed-By: ${DEBIAN_KEYRING}`,
    ].join('\n');
  return [
    '# Generated by portalgun: the release, its updates and its security fixes.',
    stanza(sources.archive, `${sources.suite} ${sources.suite}-updates`),
    '',
    stanza(sources.security, `${sources.suite}-security`),
    '',
  ].join('\n');
}

/** The environment variables that override the archive (the daemon's decide; the CLI's are compared). */
export const ARCHIVE_OVERRIDE_VARIABLES = {
  archive: 'PORTALGUN_DEBIAN_MIRROR',
  security: 'PORTALGUN_DEBIAN_SECURITY_MIRROR',
} as const;

/** The overrides an environment sets (empty values count as unset). */
export function archiveOverrideFrom(env: Readonly<Record<string, string | undefined>>): ArchiveOverride {
  const archive = env[ARCHIVE_OVERRIDE_VARIABLES.archive] || undefined;
  const security = env[ARCHIVE_OVERRIDE_VARIABLES.security] || undefined;
  return { ...(archive ? { archive } : {}), ...(security ? { security } : {}) };
}

/**
 * Where the CLI's overrides disagree with the archive the daemon builds from (trailing slashes aside), one
 * sentence per difference; none when the CLI sets no override or agrees.
 */
export function planOverrideMismatches(
  cli: ArchiveOverride,
  daemon: { readonly archive: string | null; readonly security: string | null },
): string[] {
  const same = (a: string, b: string | null) => b !== null && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
  const found: string[] = [];
  for (const key of ['archive', 'security'] as const) {
    const mine = cli[key];
    if (mine !== undefined && !same(mine, daemon[key])) {
      found.push(
        `this shell's ${ARCHIVE_OVERRIDE_VARIABLES[key]} is ${mine}, but the daemon uses ${daemon[key] ?? 'no archive (see portalgun image sources)'}`,
      );
    }
  }
  return found;
}
