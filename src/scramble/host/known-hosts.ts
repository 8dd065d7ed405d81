/**
 * @module The hosts the owner trusts, as SSH's known_hosts: each host id (what envelopes name as their
 * target) with the public host key pinned for it, in `$SCRAMBLE_HOME/known-hosts.json` (0600). `portalgun
 * init` pins a host's key (trust on first use: it reads the key on the host itself, as root); from then on
 * the CLI takes an answer only if that key signed it, and `scramble host forget` is the one way to accept
 * a new key for the same host (after a reinstall).
 */
import path from 'node:path';
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { decodeBase64Url, encodeBase64Url, hostKeyFingerprint } from '../index.js';
import { readPrivateJson, writePrivateJson } from './private-file.js';

/** A host as pinned. */
export interface PinnedHost {
  readonly publicKey: Uint8Array;
  /** `SHA256:…` of the public key, as `portalgun init` showed it. */
  readonly fingerprint: string;
  /** When it was pinned (ms since the epoch). */
  readonly pinnedAt: number;
}

/** A pinned host with its id, as `scramble host ls` lists them. */
export interface KnownHost extends PinnedHost {
  readonly hostId: string;
}

const FILE = z.strictObject({
  v: z.literal(1),
  hosts: z.record(z.string(), z.strictObject({ publicKey: z.string(), pinnedAt: z.number() })),
});

type KnownHostsFile = z.output<typeof FILE>;

function fileOf(home: string): string {
  return path.join(home, 'known-hosts.json');
}

function damaged(file: string, cause?: unknown): MvError {
  return new MvError('scramble.bad-key-file', `${file} is damaged: it is not a list of pinned host keys`, {
    cause,
    hint: 'Move it away and pin your hosts again ("portalgun init" as root on each).',
  });
}

function readFile(home: string): KnownHostsFile {
  const file = fileOf(home);
  return readPrivateJson(file, FILE, (cause) => damaged(file, cause)) ?? { v: 1, hosts: {} };
}

function hostOf(file: string, hostId: string, stored: { publicKey: string; pinnedAt: number }): KnownHost {
  const publicKey = decodeBase64Url(stored.publicKey, 32);
  if (publicKey === undefined) throw damaged(file);
  return { hostId, publicKey, fingerprint: hostKeyFingerprint(publicKey), pinnedAt: stored.pinnedAt };
}

/** The key pinned for `hostId`, or undefined when the owner never pinned that host. */
export function pinnedHost(home: string, hostId: string): PinnedHost | undefined {
  const stored = readFile(home).hosts[hostId];
  if (stored === undefined) return undefined;
  const { publicKey, fingerprint, pinnedAt } = hostOf(fileOf(home), hostId, stored);
  return { publicKey, fingerprint, pinnedAt };
}

/** Every pinned host, by host id. */
export function knownHosts(home: string): KnownHost[] {
  return Object.entries(readFile(home).hosts)
    .map(([hostId, stored]) => hostOf(fileOf(home), hostId, stored))
    .sort((a, b) => a.hostId.localeCompare(b.hostId));
}

function write(home: string, hosts: KnownHostsFile['hosts']): void {
  writePrivateJson(fileOf(home), { v: 1, hosts });
}

/**
 * Pins `publicKey` for `hostId` and says what was pinned before (undefined: nothing, a first pin). Only
 * `portalgun init` calls this: it read the key on the host itself, as root, so it is the host's own.
 */
export function pinHost(
  home: string,
  hostId: string,
  publicKey: Uint8Array,
  now: number,
): { readonly previous: PinnedHost | undefined } {
  const previous = pinnedHost(home, hostId);
  const same = previous !== undefined && Buffer.from(previous.publicKey).equals(publicKey);
  if (!same) {
    const { hosts } = readFile(home);
    write(home, { ...hosts, [hostId]: { publicKey: encodeBase64Url(publicKey), pinnedAt: now } });
  }
  return { previous };
}

/** Forgets the key pinned for `hostId`; `scramble.no-identity` (not found) when none is. */
export function forgetHost(home: string, hostId: string): PinnedHost {
  const { hosts } = readFile(home);
  const forgotten = pinnedHost(home, hostId);
  if (forgotten === undefined) {
    throw new MvError('scramble.no-identity', `No host key is pinned for host ${hostId}`, {
      hint: 'See the pinned hosts with "scramble host ls".',
    });
  }
  write(home, Object.fromEntries(Object.entries(hosts).filter(([id]) => id !== hostId)));
  return forgotten;
}
