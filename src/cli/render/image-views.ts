/**
 * @module The text views of `portalgun image`: the image table, one image's manifest and signature, the
 * verification report and what `rm`/`gc` freed.
 * Pure: no I/O.
 */
import { describeArtifact, type ImageManifest, shortDigest } from '../../image/index.js';
import type { ImageSummary, MethodResult } from '../../protocol/index.js';
import { renderColumns } from './columns.js';

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

/** `image ls`: one row per image; `*` marks each node's current image. */
export function renderImageTable(images: readonly ImageSummary[]): string {
  if (images.length === 0) return 'No images in the store.';
  const rows = images.map((image) => [
    `${image.current ? '*' : ' '} ${image.node}`,
    image.version === null ? '-' : String(image.version),
    shortKey(image.imageKey),
    formatBytes(image.sizeBytes),
    signatureCell(image),
    image.inUse.length === 0 ? '-' : image.inUse.join(','),
  ]);
  return renderColumns([['  NODE', 'VERSION', 'KEY', 'SIZE', 'SIGNATURE', 'IN USE'], ...rows]);
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
  lines.push(`  builder    ${manifest.builder}`, `  formula    ${manifest.formulaHash}`, '  artifacts');
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
