/**
 * @module Which host answers: the CLI takes an answer only from the host key the owner pinned for the host
 * id the daemon names (known-hosts.ts, pinned by `portalgun init`), and refuses everything else with
 * `scramble.host-mismatch`, naming both fingerprints and what to do.
 */
import { MvError } from '../errors/index.js';
import { type PinnedHost, pinnedHost, scrambleHome } from '../scramble/host/index.js';
import { decodeBase64Url } from '../scramble/index.js';

/** The pinned host an envelope is addressed to, and whose key must sign every answer. */
export interface TrustedHost extends PinnedHost {
  readonly hostId: string;
}

const REINSTALLED_HINT = (hostId: string) =>
  `If that host was reinstalled (its key made anew), run "scramble host forget ${hostId}", then "portalgun init" as root on it to pin the new key; otherwise something else answers the socket: do not use it.`;

/** The pinned host the daemon's probe names, if the key it claims is the pinned one. */
export function trustedHost(
  socketPath: string,
  claimed: { hostId: string; hostKey: { publicKey: string; fingerprint: string } },
): TrustedHost {
  const pinned = pinnedHost(scrambleHome(), claimed.hostId);
  if (!pinned) {
    throw new MvError(
      'scramble.host-mismatch',
      `The daemon at ${socketPath} says it is host ${claimed.hostId} (key ${claimed.hostKey.fingerprint}), which you have not pinned`,
      {
        hint: 'If it is your host, pin its key by running "portalgun init" as root on it; "scramble host ls" lists the hosts you pinned.',
      },
    );
  }
  const claimedKey = decodeBase64Url(claimed.hostKey.publicKey, 32);
  if (!claimedKey || !Buffer.from(claimedKey).equals(pinned.publicKey)) {
    throw new MvError(
      'scramble.host-mismatch',
      `The daemon at ${socketPath} answers for host ${claimed.hostId} with key ${claimed.hostKey.fingerprint}, but you pinned ${pinned.fingerprint} for it`,
      { hint: REINSTALLED_HINT(claimed.hostId) },
    );
  }
  return { hostId: claimed.hostId, ...pinned };
}

/** The refusal of an answer the pinned host key did not sign. */
export function unsignedAnswer(socketPath: string, host: TrustedHost, what: string): MvError {
  return new MvError(
    'scramble.host-mismatch',
    `The ${what} from ${socketPath} is not signed by host ${host.hostId}'s pinned key ${host.fingerprint}: something else may be answering in its place`,
    { hint: REINSTALLED_HINT(host.hostId) },
  );
}
