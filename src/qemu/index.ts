/**
 * @module Public surface of the qemu domain: instances and the QEMU argv and libvirt XML renderers.
 * Pure: no I/O.
 */
export { kernelCommandLine, renderQemuArgs } from './argv.js';
export { FIRMWARE_FILES, type FirmwarePlan, firmwarePackage, planFirmware } from './firmware.js';
export {
  type Accelerator,
  type BootArtifacts,
  type InstanceNic,
  type InstanceRequest,
  type InstanceUplink,
  interfaceName,
  type PortalInstance,
  passtSocketOf,
  planInstance,
  runFiles,
  tapName,
  usbHostFd,
} from './instance.js';
export { METADATA_NAMESPACE, renderLibvirtXml } from './libvirt-xml.js';
export { type QemuArg, SANDBOX_OPTIONS, toArgv } from './qemu-options.js';
export {
  encodeCommand,
  MAX_QMP_LINE_LENGTH,
  parseQmpMessage,
  type QmpArguments,
  type QmpErrorReply,
  type QmpEvent,
  type QmpGreeting,
  QmpLineSplitter,
  type QmpMessage,
  type QmpReturn,
  type QmpVersion,
} from './qmp/codec.js';
export {
  cont,
  type QmpCallOptions,
  type QmpCapabilitiesArgs,
  type QmpCapability,
  type QmpExecutor,
  type QmpStatus,
  qmpCapabilities,
  queryStatus,
  queryVersion,
  quit,
  screendump,
  stop,
  systemPowerdown,
} from './qmp/commands.js';
export { EVENT_HISTORY, QmpEventLog, type QmpWaitOptions } from './qmp/event-log.js';
