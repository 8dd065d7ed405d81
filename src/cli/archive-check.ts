/**
 * @module The daemon builds Debian images from the archive it sees (its own PORTALGUN_DEBIAN_MIRROR, or the
 * host's apt sources); a CLI whose environment names another archive must not believe otherwise. When this
 * shell sets an override, the CLI asks the daemon (`image.sources`) before anything is built and refuses
 * when the two differ, naming both. The daemon's view is the truth; this only reports it.
 */
import { archiveOverrideFrom, planOverrideMismatches } from '../debian/index.js';
import { MvError } from '../errors/index.js';
import { type CallOptions, callDaemon } from './daemon-client.js';

/** Refuses (`debian.mirror-mismatch`) when this shell's archive override disagrees with the daemon's archive. */
export async function requireDaemonArchiveAgrees(
  options: CallOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const mine = archiveOverrideFrom(env);
  if (mine.archive === undefined && mine.security === undefined) return;
  const daemon = await callDaemon('image.sources', {}, options);
  const mismatches = planOverrideMismatches(mine, daemon);
  if (mismatches.length === 0) return;
  throw new MvError(
    'debian.mirror-mismatch',
    `The daemon builds from another Debian archive: ${mismatches.join('; ')}`,
    {
      hint: "The daemon's setting decides (portalgun image sources shows it): start the daemon with the same variable, or unset it in this shell.",
    },
  );
}
