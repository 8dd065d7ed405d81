/**
 * @module Public surface of the plan domain's adapters: writing a plan out as files a tool outside
 * portalgun boots (the libvirt export).
 */
export { copyBootImage, DOMAIN_FILE, writeLibvirtExport } from './libvirt-export.js';
