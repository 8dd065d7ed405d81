/** @module The cgroup domain's adapters: a portal's control group on this host. */
export {
  type CgroupHost,
  type CgroupUsage,
  createPortalCgroup,
  hostCgroups,
  joinPortalCgroup,
  type PortalCgroup,
  portalCgroupOf,
  readCgroupUsage,
  removePortalCgroup,
} from './cgroup-fs.js';
