/**
 * @module Re-hashes the artifacts a manifest names, as the files in the store are now: each is streamed
 * through SHA-256 (a base can be hundreds of MB, so never read whole) and compared with its signed digest
 * and size. Reports what differs; deciding what that means is the caller's.
 */
import { stat } from 'node:fs/promises';
import { describeArtifact, type ImageArtifact, shortDigest } from '../image-manifest.js';
import { blobPath } from '../layout.js';
import { sha256File } from './store.js';

/** What is wrong with one artifact in the store. */
export interface ArtifactProblem {
  readonly artifact: ImageArtifact;
  readonly what: 'missing' | 'size' | 'digest';
  /** For people: e.g. `base sha256:… does not match its signed digest (the file hashes to sha256:…)`. */
  readonly message: string;
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

async function checkOne(stateRoot: string, artifact: ImageArtifact): Promise<ArtifactProblem | undefined> {
  const name = `${describeArtifact(artifact)} ${shortDigest(artifact.digest)}`;
  const file = blobPath(stateRoot, artifact.digest);
  const size = await stat(file).then(
    (info) => info.size,
    () => undefined,
  );
  if (size === undefined) {
    return { artifact, what: 'missing', message: `${name} is missing from the image store (${file})` };
  }
  if (size !== artifact.size) {
    return {
      artifact,
      what: 'size',
      message: `${name} does not match its signed size: ${size} bytes in the store, ${artifact.size} signed`,
    };
  }
  const actual = await sha256File(file);
  if (actual === artifact.digest) return undefined;
  return {
    artifact,
    what: 'digest',
    message: `${name} does not match its signed digest (the file in the store hashes to ${shortDigest(actual)})`,
  };
}

/**
 * Checks every artifact in order, reporting each as a progress step; stops at the first problem unless
 * `all` is set (image verify reports everything).
 */
export async function checkArtifacts(
  stateRoot: string,
  artifacts: readonly ImageArtifact[],
  options: { progress: (message: string) => void; all?: boolean },
): Promise<ArtifactProblem[]> {
  const problems: ArtifactProblem[] = [];
  for (const artifact of artifacts) {
    options.progress(`verifying ${describeArtifact(artifact)} (${mib(artifact.size)})`);
    const problem = await checkOne(stateRoot, artifact);
    if (!problem) continue;
    problems.push(problem);
    if (!options.all) break;
  }
  return problems;
}
