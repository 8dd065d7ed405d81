/**
 * @module The scramble domain's adapters as other domains may use them: everything here touches the OS.
 */

export {
  createIdentity,
  createSession,
  type IdentityInfo,
  loadSession,
  osRandom,
  type RootDerivation,
  readIdentity,
  restoreIdentity,
  type Session,
  scrambleHome,
  unlockRoot,
} from './keyring.js';
export {
  forgetHost,
  type KnownHost,
  knownHosts,
  type PinnedHost,
  pinHost,
  pinnedHost,
} from './known-hosts.js';
export { checkPrivate, readPrivateJson, writePrivateJson } from './private-file.js';
export { splitRootSeed } from './recovery-split.js';
