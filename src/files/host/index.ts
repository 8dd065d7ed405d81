/**
 * @module The files domain's adapters as other domains may use them: everything here touches the OS.
 */
export {
  chownFolderNoFollow,
  chownTreeNoFollow,
  ensureFolderOf,
  isMountPoint,
  openRegularFileNoFollow,
} from './no-follow.js';
export { readCheckedJson } from './read-checked-json.js';
export { writeFileAtomic, writeFileAtomicSync } from './write-atomic.js';
