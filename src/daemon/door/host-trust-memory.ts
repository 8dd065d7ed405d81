/**
 * @module The host's trust held in memory: the same snapshot as host-trust-files.ts gives, over a world
 * given as data instead of read from a state folder. The door's unit tests judge requests against it, and
 * one contract suite (host-trust-contract.ts) holds it and the file-backed one to the same answers.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';
import type { PolicyFile } from '../../policy/index.js';
import { type HostTrust, hostTrustFrom, type OwnerRecord, type Settled } from './host-trust.js';

/** A host's world as data: a part left out is absent (no owner) or empty (no revocation, no policy file). */
export interface TrustWorld {
  readonly hostId: string;
  /** The registered owner; absent when none is registered. */
  readonly owner?: OwnerRecord;
  /** The stored revocation records (none when absent); `damaged` is a list that cannot be read. */
  readonly revocations?: readonly unknown[] | 'damaged';
  /** The policy files (none when absent); `unreadable` is a policy folder that cannot be read. */
  readonly policyFiles?: readonly PolicyFile[] | 'unreadable';
}

/** The host's trust over `world`. */
export function memoryHostTrust(world: TrustWorld): HostTrust {
  return hostTrustFrom({
    hostId: world.hostId,
    owner: world.owner
      ? ok(world.owner)
      : failed('scramble.no-owner', 'This host has no registered owner, so it accepts no commands'),
    revocations:
      world.revocations === 'damaged'
        ? failed('scramble.untrusted', 'The revocation list is damaged')
        : ok(world.revocations ?? []),
    policyFiles:
      world.policyFiles === 'unreadable'
        ? failed('policy.syntax', 'Cannot read the policy')
        : ok(world.policyFiles ?? []),
  });
}

function ok<T>(value: T): Settled<T> {
  return { ok: true, value };
}

function failed(code: 'scramble.no-owner' | 'scramble.untrusted' | 'policy.syntax', message: string) {
  return { ok: false, error: new MvError(code, message) } as const;
}
