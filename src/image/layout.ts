/**
 * @module Where the image store keeps things under the state folder: kernels, content-addressed blobs and
 * the image records that name them, each with the owner's signature of its manifest beside it.
 * Pure: no I/O.
 */

/** Paths of the image store under a state folder. */
export function storeLayout(stateRoot: string) {
  return {
    kernels: `${stateRoot}/kernels`,
    blobs: `${stateRoot}/store/sha256`,
    images: `${stateRoot}/images`,
    layers: `${stateRoot}/store/layers`,
    staging: `${stateRoot}/store/staging`,
  } as const;
}

/** The folder of one installed kernel. */
export function kernelDir(stateRoot: string, name: string): string {
  return `${storeLayout(stateRoot).kernels}/${name}`;
}

/** The file of a blob with a `sha256:<hex>` digest. */
export function blobPath(stateRoot: string, digest: string): string {
  return `${storeLayout(stateRoot).blobs}/${digest.replace(/^sha256:/, '')}`;
}

/** The record of the image built for a formula node with a given image key. */
export function imageRecordPath(stateRoot: string, node: string, imageKey: string): string {
  return `${storeLayout(stateRoot).images}/${node}/${imageKey.replace(/^sha256:/, '')}.json`;
}

/** The owner's signature of an image's manifest, stored beside its record. */
export function imageSignaturePath(stateRoot: string, node: string, imageKey: string): string {
  return imageRecordPath(stateRoot, node, imageKey).replace(/\.json$/, '.signature.json');
}

/** The record of a built Debian layer, by its layer key. */
export function layerRecordPath(stateRoot: string, key: string): string {
  return `${storeLayout(stateRoot).layers}/${key.replace(/^sha256:/, '')}.json`;
}
