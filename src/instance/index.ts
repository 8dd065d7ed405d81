/**
 * @module Public surface of the instance domain: one portal on one host, described. The values generated
 * when it starts (its instance: name, artifacts, firmware, addresses, MACs, taps) and its layout on the host
 * (default folders, the socket, every path and interface name). Renderers take a manifest and an instance;
 * plan/ composes them into what the daemon starts.
 * Pure: no I/O.
 */

export { FIRMWARE_FILES, type FirmwarePlan, firmwarePackage, planFirmware } from './firmware.js';
export {
  DEFAULT_DIRS,
  type HostDirs,
  keptConsoleLog,
  macvtapNodeOf,
  type PortalPaths,
  portalPaths,
  readOnlySubfolders,
  SHARE_IMAGE_SUFFIX,
  SHARE_IMAGES,
  shareFoldersOf,
  socketPathIn,
  uplinkNamesOf,
} from './layout.js';
export {
  accountsInPortalRange,
  allocatePortalUid,
  isPortalUid,
  PORTAL_UIDS,
} from './portal-account.js';
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
} from './portal-instance.js';
