/**
 * @module The text views of `portalgun image outdated` (per image: how old the package indices are, then
 * each package with its installed and available version) and `portalgun image sources` (the archive the
 * daemon builds from, where each URL comes from, and any disagreement with this shell's setting).
 * Pure: no I/O.
 */
import type { MethodResult } from '../../protocol/index.js';
import { renderColumns } from './columns.js';
import { formatDuration } from './duration.js';

const ago = (now: number, time: number) =>
  `${formatDuration(Math.max(0, Math.round((now - time) / 1000)))} ago`;

/** `image outdated`: a heading per image, then its outdated packages. */
export function renderOutdated(result: MethodResult<'image.outdated'>, now: number): string {
  const blocks: string[] = [];
  for (const image of result.images) {
    const count = image.packages.length;
    const heading =
      `${image.node} v${image.version ?? '-'}: ` +
      `${count === 0 ? 'nothing outdated' : `${count} package${count === 1 ? '' : 's'} outdated`} ` +
      `(package indices fetched ${ago(now, image.fetchedAt)})`;
    if (count === 0) {
      blocks.push(heading);
      continue;
    }
    const rows = image.packages.map((p) => [`  ${p.name}`, p.installed, p.available]);
    blocks.push(`${heading}\n${renderColumns([['  PACKAGE', 'INSTALLED', 'AVAILABLE'], ...rows])}`);
  }
  for (const skipped of result.skipped) blocks.push(`${skipped.node}: not checked, ${skipped.reason}`);
  if (blocks.length === 0) return 'No Debian images to check.';
  const outdated = result.images.filter((image) => image.packages.length > 0).length;
  if (outdated > 0) blocks.push("Rebuild with today's packages: portalgun image build <formula> --refresh");
  return blocks.join('\n');
}

/** `image sources`: the daemon's archive, or why it has none, and this shell's disagreement if any. */
export function renderArchive(shown: MethodResult<'image.sources'>, mismatches: readonly string[]): string {
  const lines: string[] = [];
  if (shown.problem) {
    lines.push(`The daemon has no Debian archive: ${shown.problem.message} [${shown.problem.code}]`);
    if (shown.problem.hint) lines.push(`hint: ${shown.problem.hint}`);
  } else {
    lines.push(
      renderColumns([
        [
          'archive',
          `${shown.archive ?? '-'} ${shown.suite} ${shown.suite}-updates`,
          `(${shown.archiveFrom ?? '-'})`,
        ],
        ['security', `${shown.security ?? '-'} ${shown.suite}-security`, `(${shown.securityFrom ?? '-'})`],
        ['proxy', shown.proxy ?? 'none', "(the host's apt configuration)"],
      ]),
    );
  }
  for (const mismatch of mismatches) lines.push(`note: ${mismatch}; the daemon's setting is the one used`);
  return lines.join('\n');
}
