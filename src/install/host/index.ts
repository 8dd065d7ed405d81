/**
 * @module The install domain's adapters as other domains may use them: everything here touches the OS.
 */
export { agentBundlePath, packageRoot, privilegedEntryPath } from './package-root.js';
