/**
 * @module The image domain's adapters as other domains may use them: everything here touches the OS.
 */
export { checkArtifacts } from './artifact-check.js';
export { FileDigests, readBuildInputs } from './build-inputs.js';
export { ensureLayers, type LayerRecord } from './build-layers.js';
export { buildMicroImage } from './build-micro.js';
export { installKernel } from './kernel.js';
export { createDisk, createOverlay } from './qemu-img.js';
export { blobFile, putBlob, readImageRecord, writeImageRecord } from './store.js';
export {
  blobsOf,
  installedKernelBlobs,
  listBlobs,
  listImageRecords,
  readImageSignature,
  removeBlobs,
  removeImageRecord,
  writeImageSignature,
} from './store-catalog.js';
