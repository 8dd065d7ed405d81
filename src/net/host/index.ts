/**
 * @module The net domain's adapters as other domains may use them: everything here touches the OS.
 */
export { createMacvtapUplink, deleteMacvtapUplink } from './macvtap.js';
export { applyRuleset, createTap, deleteNamespace, deleteTap, ensureNamespace } from './namespace.js';
export { type PasstFiles, startPasst, stopPasst } from './passt.js';
export { createNetnsUplink, deleteNetnsUplink } from './uplink.js';
