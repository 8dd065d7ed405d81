/**
 * @module Public surface of the plan domain: the one plan of a portal on a host (instance, QEMU argv and the
 * host end of each channel) that the daemon starts and `portalgun plan` prints, and the store files an image
 * boots (or stand-ins).
 * Pure: no I/O.
 */
export { type BootImage, bootImageOfRecord, standInBootImage } from './boot-image.js';
export {
  type PortalPlan,
  type PortalPlanRequest,
  planOfInstance,
  planPortal,
  portsOfInstance,
} from './plan-portal.js';
