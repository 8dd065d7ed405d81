/**
 * @module Formula trees for the universe uplink tests: the bundled tree with the universe router's uplink set
 * as an owner would, and a busybox probe portal on the universe network; what universe says of its uplink;
 * and a shell in a portal through `run`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { bundledTreeWith } from './cli.js';
import type { TestDaemon } from './daemon.js';

/**
 * A copy of the bundled tree with the universe router's `uplink` set as an owner would (nothing else of the
 * router changes), plus the owner's busybox probe on the universe network.
 */
export function uplinkTree(uplink: Readonly<Record<string, string>>): string {
  return bundledTreeWith({}, (root) => {
    const file = path.join(root, 'service/router/universe/formula.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.set('uplink', doc.createNode(uplink, { flow: true }));
    writeFileSync(file, doc.toString());
    mkdirSync(path.join(root, 'application', 'probe-universe'));
    writeFileSync(
      path.join(root, 'application', 'probe-universe', 'formula.yaml'),
      'description: a network probe\nnetworks:\n  - { network: universe, address: dynamic }\nagent:\n  verbs: [run]\n  run: [/bin/busybox]\n',
    );
  });
}

/** What `portalgun status universe` says of its uplink. */
export async function universeUplink(
  daemon: TestDaemon,
  name = 'universe',
): Promise<{ address: string | null; gateway: string | null }> {
  const { agent } = await daemon.call('portal.status', { name });
  return (agent as { router: { uplink: { address: string | null; gateway: string | null } } }).router.uplink;
}

/** Runs a busybox shell script in a portal through the agent's `run`. */
export async function portalShell(
  daemon: TestDaemon,
  portal: string,
  script: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { result } = await daemon.call('portal.exec', {
    name: portal,
    verb: 'run',
    args: ['/bin/busybox', 'sh', '-c', script],
  });
  return result as { exitCode: number; stdout: string; stderr: string };
}
