/**
 * @module The scramble domain's adapters as other domains may use them: everything here touches the OS.
 */
export {
  forgetHost,
  type KnownHost,
  knownHosts,
  type PinnedHost,
  pinHost,
  pinnedHost,
} from './known-hosts.js';
export {
  createIdentity,
  createSession,
  loadSession,
  osRandom,
  readIdentity,
  type Session,
  scrambleHome,
  unlockRoot,
} from './keyring.js';
