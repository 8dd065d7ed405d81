/**
 * @module `portalgun image build | ls | show`: build a formula's image (`--refresh`: its Debian layers again
 * from today's archive) and sign its manifest with the user's session key; list the store's images with
 * version, size, build date, outdated packages, signature and the portals using them; show one image's
 * manifest (artifacts, digests, packages, sources) and who signed it.
 */
import type { Command } from 'commander';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { globalOptions } from './global-options.js';

/** Registers `image build`, `image ls` and `image show`. */
export function registerImageCommands(image: Command): void {
  image
    .command('build')
    .description("Build a formula's image and sign its manifest with your session (up does this too)")
    .argument('<formula>', 'node path or portal name')
    .option(
      '--refresh',
      "build its Debian layers again from today's archive (security and point-release fixes)",
    )
    .action(async (formula: string, options: { refresh?: boolean }, command: Command) => {
      const { daemonSocketPath } = await import('../daemon-client.js');
      const { shortKey } = await import('../render/image-views.js');
      const { prepareSignedImage } = await import('../signed-images.js');
      const global = globalOptions(command);
      const refresh = options.refresh === true;
      const { prepared, signedNow } = await prepareSignedImage(formula, {
        socketPath: daemonSocketPath(global.run),
        onProgress: progressPrinter(),
        refresh,
      });
      if (global.json) return writeJson({ ...prepared, signedNow });
      writeText(
        `${prepared.node}: version ${prepared.version}, key ${shortKey(prepared.imageKey)}, ` +
          `${signedNow ? 'signed now' : 'already signed'} by ${prepared.signer ?? '?'}` +
          (refresh && prepared.wasCurrent
            ? "\nrebuilt from today's archive: identical to the current image, nothing in it has a newer version"
            : ''),
      );
    });

  image
    .command('ls')
    .description(
      'List images: node, version, key, size, build date, outdated packages, signature, portals using it (* = current)',
    )
    .action(async (_options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderImageTable } = await import('../render/image-views.js');
      const global = globalOptions(command);
      const { images } = await callDaemon('image.list', {}, { socketPath: daemonSocketPath(global.run) });
      if (global.json) return writeJson(images);
      writeText(renderImageTable(images, Date.now()));
    });

  image
    .command('show')
    .description("Show an image's manifest (artifacts, digests, packages) and its signature")
    .argument('<image>', 'a formula (its current image) or an image key (a prefix of 6+ hex digits)')
    .action(async (reference: string, _options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderImageDetail } = await import('../render/image-views.js');
      const global = globalOptions(command);
      const shown = await callDaemon(
        'image.show',
        { image: reference },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(shown);
      writeText(renderImageDetail(shown, shown.manifest ?? undefined));
    });
}
