/**
 * @module The exec domain's adapters as other domains may use them: everything here touches the OS.
 */
export { closeInheritedDescriptors } from './inherited-descriptors.js';
export { stopByPidFile } from './pid-file.js';
export { runCommand } from './run-command.js';
