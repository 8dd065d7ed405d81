/**
 * @module The debian domain's adapters as other domains may use them: everything here touches the OS.
 */
export { fetchIndexSnapshot, type IndexSnapshot, readIndexSnapshot } from './package-indices.js';
export { readHostApt } from './read-host-apt.js';
