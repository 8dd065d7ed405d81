/**
 * @module Public surface of the instance domain: one portal on one host, planned once. Its layout on the
 * host (folders, files, interface names) and the plan that the daemon starts and `portalgun plan` prints.
 * Pure: no I/O.
 */
export { type BootImage, bootImageOfRecord, standInBootImage } from './boot-image.js';
export {
  DEFAULT_DIRS,
  type HostDirs,
  keptConsoleLog,
  macvtapNodeOf,
  type PortalPaths,
  portalPaths,
  socketPathIn,
  uplinkNamesOf,
} from './layout.js';
export { type PortalPlan, type PortalPlanRequest, planOfInstance, planPortal } from './plan-portal.js';
