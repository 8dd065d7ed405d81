/**
 * @module The scramble domain's adapters as other domains may use them: everything here touches the OS.
 */

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
export {
  forgetHost,
  type KnownHost,
  knownHosts,
  type PinnedHost,
  pinHost,
  pinnedHost,
} from './known-hosts.js';
