/**
 * @module The qemu domain's adapters as other domains may use them: everything here touches the OS.
 */
export { jailArgs, spawnQemu } from './launch.js';
export { connectQmpRetrying, type QmpConnection } from './qmp-socket.js';
export { startSwtpm, stopSwtpm } from './swtpm.js';
