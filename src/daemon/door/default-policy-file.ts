/**
 * @module Keeps the host's default policy current across upgrades. portalgun owns
 * `policy.d/90-default.policy`: at every daemon start it writes the current default when the file is missing
 * or still exactly what portalgun wrote last time (the digest of that is kept beside it), so the verbs a new
 * version adds are allowed as documented. A file someone edited is left alone, because it may be stricter on
 * purpose; the daemon says so, and verbs that file does not mention stay denied (fail closed).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../digest/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from '../../policy/index.js';
import { policyDir } from './host-trust-files.js';

/**
 * Digests of the defaults that versions before the stamp wrote: such a file is portalgun's, not an edit.
 * (b40f2e76…: the default of the Scramble Suite's first version, commit 6cb96df.)
 */
const UNSTAMPED_DEFAULTS: ReadonlySet<string> = new Set([
  'b40f2e7629deb77f5075d01519b734c2396cf95eb00de714d14a13158f5d7ba8',
]);

/** What happened to the default policy file. */
export type DefaultPolicyOutcome = 'current' | 'written' | 'kept-edited';

/** Brings `90-default.policy` up to date unless someone edited it; reports what it did. */
export function installDefaultPolicy(stateRoot: string): DefaultPolicyOutcome {
  const dir = policyDir(stateRoot);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, DEFAULT_POLICY_FILE);
  const stamp = path.join(dir, `.${DEFAULT_POLICY_FILE}.sha256`);
  const wanted = sha256Hex(DEFAULT_POLICY);
  const present = existsSync(file) ? sha256Hex(readFileSync(file)) : undefined;
  if (present === wanted) {
    if (!existsSync(stamp)) writeFileAtomicSync(stamp, `${wanted}\n`, 0o600);
    return 'current';
  }
  const written = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
  const portalguns = present === written || (written === undefined && UNSTAMPED_DEFAULTS.has(present ?? ''));
  if (present !== undefined && !portalguns) return 'kept-edited';
  writeFileAtomicSync(file, DEFAULT_POLICY, 0o600);
  writeFileAtomicSync(stamp, `${wanted}\n`, 0o600);
  return 'written';
}
