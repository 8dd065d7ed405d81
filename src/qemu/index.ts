/**
 * @module Public surface of the qemu domain: instances and the QEMU argv and libvirt XML renderers.
 * Pure: no I/O.
 */
export { AGENT_PORT, kernelCommandLine, renderQemuArgs, STATUS_PORT } from './argv.js';
export {
  type Accelerator,
  type BootArtifacts,
  type InstanceNic,
  type InstanceRequest,
  type InstanceUplink,
  type PortalInstance,
  planInstance,
  runFiles,
  tapName,
} from './instance.js';
export { METADATA_NAMESPACE, renderLibvirtXml } from './libvirt-xml.js';
export { DEFAULT_HOST_LAYOUT, type PreviewOptions, previewInstance } from './preview.js';
export { type QemuArg, SANDBOX_OPTIONS, toArgv } from './qemu-options.js';
