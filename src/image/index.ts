/**
 * @module Public surface of the image domain: image records and their signed manifests, the store layout,
 * micro image planning and the kernel formats.
 * Pure: no I/O (building and the store live in `image/host`).
 */
export { type CpioEntry, renderCpio } from './cpio.js';
export {
  DEBIAN_BASE_NODE,
  type LayerSpec,
  planLayers,
} from './debian-layers.js';
export {
  GUEST_PATHS,
  renderAgentConfig,
  renderInittab,
  renderStage1Init,
  renderSysinit,
} from './guest-init.js';
export {
  describeArtifact,
  IMAGE_MANIFEST_SCHEMA,
  type ImageArtifact,
  type ImageManifest,
  imageManifestDigest,
  planImageManifest,
  recordMatchesManifest,
  shortDigest,
} from './image-manifest.js';
export {
  BUILD_INPUTS_SCHEMA,
  BUILDER_VERSION,
  type BuildInputs,
  IMAGE_RECORD_SCHEMA,
  type ImageRecord,
  imageKeyOf,
} from './image-record.js';
export { findBzImagePayload, hasPvhEntryNote } from './kernel-image.js';
export { blobPath, imageRecordPath, imageSignaturePath, kernelDir, storeLayout } from './layout.js';
export { type ImageFile, type MicroImageInputs, type MicroImagePlan, planMicroImage } from './micro-plan.js';
export { PORTAL_MODULES, parseModinfoDepends, resolveModuleOrder } from './modules.js';
