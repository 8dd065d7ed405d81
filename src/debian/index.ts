/**
 * @module Public surface of the debian domain: the host's apt sources and settings as data, the archive
 * images are built from and the sources each layer gets, Debian's version ordering, and what the archive's
 * package indices make out of date.
 * Pure: no I/O (reading /etc/apt and fetching indices live in `debian/host`).
 */
export { type AptConfig, parseAptConfigDump, proxyEnvironment, proxyFor, redactProxy } from './apt-config.js';
export {
  type AptSource,
  isAptSourcesFileName,
  type ParsedSources,
  parseAptSourcesFile,
  parseDeb822Sources,
  parseOneLineSources,
} from './apt-sources.js';
export {
  ARCHIVE_OVERRIDE_VARIABLES,
  type ArchiveOverride,
  archiveOverrideFrom,
  DEBIAN_COMPONENTS,
  DEBIAN_KEYRING,
  DEBIAN_SUITE,
  type DebianArchive,
  type DebianComponent,
  type DebianSources,
  isArchiveUri,
  planComponents,
  planDebianSources,
  planOverrideMismatches,
  renderDebianSources,
  resolveDebianArchive,
} from './archive.js';
export { compareDebianVersions } from './dpkg-version.js';
export {
  type AvailableVersions,
  addPackagesIndex,
  type OutdatedPackage,
  planOutdated,
} from './packages-index.js';
