/**
 * @module `portalgun image outdated | sources`: which installed packages of the Debian images have newer
 * versions in the archive (the package indices fetched by the daemon with apt, when older than an hour or
 * with --fetch), and which archive the daemon builds from (its own PORTALGUN_DEBIAN_MIRROR or the host's apt
 * sources, and the host's proxy), noting where this shell's setting differs.
 */
import type { Command } from 'commander';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { globalOptions } from './global-options.js';

/** Registers `image outdated` and `image sources`. */
export function registerImageDebian(image: Command): void {
  image
    .command('outdated')
    .description('List installed packages of Debian images that have newer versions in the archive')
    .argument(
      '[image]',
      "a formula (its current image) or an image key prefix; default: every node's current image",
    )
    .option('--fetch', 'fetch the package indices now, even if the last fetch is less than an hour old')
    .action(async (reference: string | undefined, options: { fetch?: boolean }, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderOutdated } = await import('../render/debian-views.js');
      const global = globalOptions(command);
      const result = await callDaemon(
        'image.outdated',
        { ...(reference === undefined ? {} : { image: reference }), fetch: options.fetch === true },
        { socketPath: daemonSocketPath(global.run), onProgress: progressPrinter() },
      );
      if (global.json) return writeJson(result);
      writeText(renderOutdated(result, Date.now()));
    });

  image
    .command('sources')
    .description('Show the Debian archive the daemon builds images from, and where it comes from')
    .action(async (_options: unknown, command: Command) => {
      const { archiveOverrideFrom, planOverrideMismatches } = await import('../../debian/index.js');
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderArchive } = await import('../render/debian-views.js');
      const global = globalOptions(command);
      const shown = await callDaemon('image.sources', {}, { socketPath: daemonSocketPath(global.run) });
      const mismatches = planOverrideMismatches(archiveOverrideFrom(process.env), shown);
      if (global.json) return writeJson({ ...shown, mismatches });
      writeText(renderArchive(shown, mismatches));
    });
}
