/**
 * @module `portalgun image verify | rm | gc | allow-downgrade`: re-hash and check the signatures of one or
 * all images (exiting non-zero and naming what failed), remove an image no running portal uses, collect
 * everything no current formula or running portal references, and allow one boot of an older version.
 */
import type { Command } from 'commander';
import { ERROR_CODES, type ErrorCode, exitCodeOf, MvError } from '../../errors/index.js';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { globalOptions } from './global-options.js';

/** A problem's code as an ErrorCode (the daemon only sends known ones; anything else counts as tampering). */
function codeOf(code: string): ErrorCode {
  return Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : 'image.tampered';
}

function parseVersion(text: string): number {
  const version = Number(text);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new MvError('usage.invalid', `"${text}" is not an image version`, {
      hint: 'Versions are whole numbers from 1: portalgun image ls shows them.',
    });
  }
  return version;
}

/** Registers `image verify`, `image rm`, `image gc` and `image allow-downgrade`. */
export function registerImageMaintenance(image: Command): void {
  image
    .command('verify')
    .description('Re-hash every artifact and check the signature of one image, or of all')
    .argument('[image]', 'a formula (its current image) or an image key prefix; default: every image')
    .action(async (reference: string | undefined, _options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderVerifyReport } = await import('../render/image-views.js');
      const global = globalOptions(command);
      const report = await callDaemon('image.verify', reference === undefined ? {} : { image: reference }, {
        socketPath: daemonSocketPath(global.run),
        onProgress: progressPrinter(),
      });
      const failed = report.results.filter((r) => !r.ok);
      const first = failed[0]?.problems[0];
      if (global.json) {
        writeJson(report);
        if (first) process.exitCode = exitCodeOf(codeOf(first.code));
        return;
      }
      writeText(renderVerifyReport(report));
      if (!first) return;
      throw new MvError(
        codeOf(first.code),
        `${failed.length} of ${report.results.length} image${report.results.length === 1 ? '' : 's'} failed verification; first: ${failed[0]?.node}: ${first.message}`,
        { hint: verifyHint(first.code) },
      );
    });

  image
    .command('rm')
    .description('Remove an image and the blobs only it uses (refused while a running portal uses it)')
    .argument('<image>', 'an image key prefix (portalgun image ls), or a formula (its current image)')
    .action(async (reference: string, _options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderFreed } = await import('../render/image-views.js');
      const global = globalOptions(command);
      const result = await callDaemon(
        'image.remove',
        { image: reference },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(result);
      writeText(renderFreed({ ...result, removed: [result.removed] }));
    });

  image
    .command('gc')
    .description("Remove every image that is neither a node's current image nor used by a running portal")
    .action(async (_options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderFreed } = await import('../render/image-views.js');
      const global = globalOptions(command);
      const result = await callDaemon('image.gc', {}, { socketPath: daemonSocketPath(global.run) });
      if (global.json) return writeJson(result);
      writeText(renderFreed(result, result.kept));
    });

  image
    .command('allow-downgrade')
    .description('Allow the next boot of an older image version of a node (rollback protection)')
    .argument('<node>', 'formula node path, e.g. application/console')
    .argument('<version>', 'the older version to allow (portalgun image ls)')
    .action(async (node: string, versionText: string, _options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const result = await callDaemon(
        'image.allow-downgrade',
        { node, version: parseVersion(versionText) },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(result);
      writeText(
        `${result.node}: version ${result.version} may boot once (newest booted so far: ${result.newest}); ` +
          'after that boot it is the version newer ones are measured against',
      );
    });
}

/** What to do about the first problem `image verify` found. */
function verifyHint(code: string): string {
  if (code === 'image.tampered') {
    return 'Find out how the store changed; then remove the image (portalgun image rm <key>) and build it again.';
  }
  if (code === 'image.rollback')
    return 'Allow the older version once: portalgun image allow-downgrade <node> <version>.';
  return 'Sign it again with your session: portalgun image build <formula>.';
}
