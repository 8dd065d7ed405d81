/** @module The cgroup domain's public face: a portal's resource limits and the cgroup files that carry them. */
export {
  CGROUP_CONTROLLERS,
  type CgroupController,
  type CgroupLimits,
  type CgroupWrite,
  cgroupLimitsOf,
  cgroupV1Writes,
  cgroupV2Writes,
  controllersOf,
} from './limits.js';
