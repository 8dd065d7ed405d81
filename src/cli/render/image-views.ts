/**
 * @module The text views of `portalgun image`: the image table (with build dates and outdated counts), one
 * image's manifest (with a Debian image's sources) and signature, the verification report and what `rm`/`gc`
 * freed.
 * Pure: no I/O.
 */
import { describeArtifact, type ImageManifest, shortDigest } from '../../image/index.js';
import type { ImageSummary, MethodResult } from '../../protocol/index.js';
import { renderColumns } from './columns.js';
import { formatDuration } from './duration.js';

/** Bytes as MiB with one decimal. */
function formatBytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** An image key as tables show it (enough to name it in `image show|rm`). */
export function shortKey(imageKey: string): string {
  return imageKey.slice('sha256:'.length, 'sha256:'.length + 12);
}

function signatureCell(image: ImageSummary): string {
  return image.signature === 'valid' ? `signed (${image.signer ?? '?'})` : image.signature;
}

/** A time as tables show it: UTC, to the minute. */
function formatTime(time: number | null): string {
  return time === null ? '-' : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** Outdated packages: a count, `?` for a Debian image before any index fetch, `-` for micro images. */
function outdatedCell(image: ImageSummary): string {
  if (image.outdated) return String(image.outdated.count);
  return image.backend === 'debian' ? '?' : '-';
}

/** The line under the table saying how old the package indices behind the OUTDATED column are. */
function indexAgeNote(images: readonly ImageSummary[], now: number): string[] {
  const fetched = images.flatMap((image) => (image.outdated ? [image.outdated.fetchedAt] : []));
  const unknown = images.some((image) => image.backend === 'debian' && !image.outdated);
  const notes: string[] = [];
  if (fetched.length > 0) {
    const age = Math.max(0, Math.round((now - Math.min(...fetched)) / 1000));
    notes.push(
      `OUTDATED: by package indices fetched ${formatDuration(age)} ago (portalgun image outdated fetches them again)`,
    );
  }
  if (unknown) notes.push('?: no package indices fetched for it yet (portalgun image outdated)');
  return notes;
}

/** `image ls`: one row per image; `*` marks each node's current image. */
export function renderImageTable(images: readonly ImageSummary[], now: number): string {
  if (images.length === 0) return 'No images in the store.';
  const rows = images.map((image) => [
    `${image.current ? '*' : ' '} ${image.node}`,
    image.version === null ? '-' : String(image.version),
    shortKey(image.imageKey),
    formatBytes(image.sizeBytes),
    formatTime(image.builtAt),
    outdatedCell(image),
    signatureCell(image),
    image.inUse.length === 0 ? '-' : image.inUse.join(','),
  ]);
  const table = renderColumns([
    ['  NODE', 'VERSION', 'KEY', 'SIZE', 'BUILT', 'OUTDATED', 'SIGNATURE', 'IN USE'],
    ...rows,
  ]);
  return [table, ...indexAgeNote(images, now)].join('\n');
}

function isoOrDash(time: number | null): string {
  return time === null ? '-' : new Date(time).toISOString();
}

/** `image show`: the image, its signature and its manifest (artifacts and packages). */
export function renderImageDetail(
  shown: MethodResult<'image.show'>,
  manifest: ImageManifest | undefined,
): string {
  const { image, signature } = shown;
  const lines = [
    `${image.node}  version ${image.version ?? '-'}  (${image.backend})`,
    `  key        ${image.imageKey}`,
    `  manifest   ${shown.manifestDigest ?? '- (never used on this host)'}`,
    `  signature  ${signature.state}${signature.kid ? ` by session key ${signature.kid}` : ''}`,
  ];
  if (signature.state === 'valid') {
    lines.push(
      `             signed ${isoOrDash(signature.signedAt)}, accepted ${isoOrDash(signature.acceptedAt)}`,
    );
  }
  if (signature.problem) lines.push(`             ${signature.problem}`);
  lines.push(`  in use     ${image.inUse.length === 0 ? '-' : image.inUse.join(', ')}`);
  if (!manifest) return lines.join('\n');
  lines.push(`  builder    ${manifest.builder}`, `  formula    ${manifest.formulaHash}`);
  if (manifest.sources) lines.push(...renderSourcesLines(manifest.sources));
  lines.push('  artifacts');
  const artifacts = manifest.artifacts.map((a) => [
    `    ${describeArtifact(a)}`,
    a.digest,
    formatBytes(a.size),
  ]);
  lines.push(renderColumns(artifacts));
  const packages = manifest.packages.map((p) => (p.version === null ? p.name : `${p.name} ${p.version}`));
  lines.push(`  packages   ${packages.length === 0 ? '-' : packages.join(', ')}`);
  return lines.join('\n');
}

/** A Debian image's sources as `image show` lists them. */
function renderSourcesLines(sources: NonNullable<ImageManifest['sources']>): string[] {
  return [
    `  sources    ${sources.archive} ${sources.suite} ${sources.suite}-updates`,
    `             ${sources.security} ${sources.suite}-security`,
    `  components ${sources.components.join(' ')}`,
  ];
}

/** `image verify`: one line per image, each problem below its image. */
export function renderVerifyReport(report: MethodResult<'image.verify'>): string {
  if (report.results.length === 0) return 'No images to verify.';
  const lines: string[] = [];
  for (const result of report.results) {
    const name = `${result.node} v${result.version ?? '-'} ${shortKey(result.imageKey)}`;
    lines.push(`${result.ok ? 'ok    ' : 'FAILED'}  ${name}`);
    for (const problem of result.problems) lines.push(`        ${problem.message} [${problem.code}]`);
  }
  return lines.join('\n');
}

/** `image rm` and `image gc`: what went, and the space freed. */
export function renderFreed(
  result: {
    removed: readonly { node: string; imageKey: string }[];
    blobs: readonly string[];
    freedBytes: number;
  },
  kept: readonly { node: string; imageKey: string; why: string }[] = [],
): string {
  const lines = [
    ...result.removed.map((r) => `removed  ${r.node} ${shortKey(r.imageKey)}`),
    ...kept.map((k) => `kept     ${k.node} ${shortKey(k.imageKey)} (${k.why})`),
    `freed ${formatBytes(result.freedBytes)} in ${result.blobs.length} blob${result.blobs.length === 1 ? '' : 's'}` +
      (result.blobs.length > 0 ? `: ${result.blobs.map(shortDigest).join(', ')}` : ''),
  ];
  return lines.join('\n');
}
