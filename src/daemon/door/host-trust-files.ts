/**
 * @module Reads the host's trust from its state folder, once per request: `owner.json` (host-identity.ts),
 * `revocations.json` (revocations.ts) and every `policy.d/*.policy`. A part that cannot be read is kept as
 * its error (see host-trust.ts): a missing owner still refuses everything with `scramble.no-owner`, a
 * damaged revocation list refuses every key, and a policy folder that cannot be read denies everything, as
 * a policy that does not parse does.
 * Host adapter: reads files, decides nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import type { PolicyFile } from '../../policy/index.js';
import type { DaemonConfig } from '../config.js';
import { readOwner } from './host-identity.js';
import { type HostTrust, hostTrustFrom, settle } from './host-trust.js';
import { readRevocationRecords } from './revocations.js';

/**
 * The folder of policy files under a state folder (the daemon makes it and installs the default policy at
 * start, see default-policy-file.ts; an empty or missing folder denies everything).
 */
export function policyDir(stateRoot: string): string {
  return path.join(stateRoot, 'policy.d');
}

/** The host's trust as its files hold it now. */
export function readHostTrust(config: Pick<DaemonConfig, 'stateRoot' | 'hostId'>): HostTrust {
  return hostTrustFrom({
    hostId: config.hostId,
    owner: settle(() => readOwner(config.stateRoot)),
    revocations: settle(() => readRevocationRecords(config.stateRoot)),
    policyFiles: settle(() => readPolicyFiles(policyDir(config.stateRoot))),
  });
}

function readPolicyFiles(dir: string): PolicyFile[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.policy'))
      .map((name) => ({ name: path.join(dir, name), text: readFileSync(path.join(dir, name), 'utf8') }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MvError('policy.syntax', `Cannot read the policy in ${dir}: ${reason}`, {
      hint: 'Every request is denied until the policy can be read: check the folder and its files (the daemon installs the default policy when it starts).',
    });
  }
}
