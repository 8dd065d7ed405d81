/**
 * @module Public surface of the qemu domain: the QEMU argv and libvirt XML renderers of a manifest and its
 * instance (instance/), the host end of each of a portal's channels, and the QMP codec and commands.
 * Pure: no I/O.
 */
export { kernelCommandLine, renderQemuArgs } from './argv.js';
export { METADATA_NAMESPACE, renderLibvirtXml } from './libvirt-xml.js';
export { type ChannelEnd, type PortalPorts, portalPorts } from './ports.js';
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
  type QmpCpu,
  type QmpExecutor,
  type QmpStatus,
  qmpCapabilities,
  queryCpusFast,
  queryStatus,
  queryVersion,
  quit,
  screendump,
  stop,
  systemPowerdown,
} from './qmp/commands.js';
export { EVENT_HISTORY, QmpEventLog, type QmpWaitOptions } from './qmp/event-log.js';
