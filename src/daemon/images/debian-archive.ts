/**
 * @module The Debian archive as the daemon sees it, which is what every layer is built from: the daemon's
 * own override (its environment at start), else the host's apt sources, read anew each time so a change to
 * /etc/apt applies without a restart; and the host's apt proxy for the archive. `image sources` reports this
 * view, so a CLI whose environment says otherwise can be told (the daemon's view is the truth).
 */
import { readHostApt } from '../../debian/host/index.js';
import {
  DEBIAN_SUITE,
  type DebianArchive,
  proxyEnvironment,
  proxyFor,
  redactProxy,
  resolveDebianArchive,
} from '../../debian/index.js';
import { MvError } from '../../errors/index.js';
import type { MethodResult } from '../../protocol/index.js';
import type { DaemonConfig } from '../config.js';

/** The archive to build from and the environment that carries the host's proxy to debootstrap and apt. */
export interface BuildArchive {
  readonly archive: DebianArchive;
  readonly proxyEnv: Readonly<Record<string, string>>;
  /** The proxy for the archive, redacted for display; null for none. */
  readonly proxy: string | null;
}

/** The archive the daemon builds from now; throws a `debian.*` error saying what to fix when it has none. */
export async function readBuildArchive(config: Pick<DaemonConfig, 'debianOverride'>): Promise<BuildArchive> {
  const host = await readHostApt();
  const archive = resolveDebianArchive(host, config.debianOverride);
  const proxy = proxyFor(archive.archive, host.config);
  return {
    archive,
    proxyEnv: proxyEnvironment([archive.archive, archive.security], host.config),
    proxy: proxy === undefined ? null : redactProxy(proxy),
  };
}

/** `image sources`: the daemon's archive and where it comes from, or why it has none. */
export async function describeBuildArchive(
  config: Pick<DaemonConfig, 'debianOverride'>,
): Promise<MethodResult<'image.sources'>> {
  try {
    const { archive, proxy } = await readBuildArchive(config);
    return { suite: DEBIAN_SUITE, ...archive, proxy, problem: null };
  } catch (error) {
    if (!(error instanceof MvError) || !error.code.startsWith('debian.')) throw error;
    return {
      suite: DEBIAN_SUITE,
      archive: null,
      security: null,
      archiveFrom: null,
      securityFrom: null,
      proxy: null,
      problem: { code: error.code, message: error.message, hint: error.hint ?? null },
    };
  }
}
