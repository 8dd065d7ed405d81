/** @module The cgroup domain's adapters: a portal's control group on this host. */
export {
  type CgroupHost,
  createPortalCgroup,
  hostCgroups,
  joinPortalCgroup,
  type PortalCgroup,
  portalCgroupOf,
  removePortalCgroup,
} from './cgroup-fs.js';
