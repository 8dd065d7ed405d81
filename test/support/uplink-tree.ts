/**
 * @module Formula trees for the universe uplink tests: the bundled tree with the universe router's uplink
 * replaced, and a busybox probe portal on the universe network; and a shell in a portal through `run`.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './catalogue.js';
import type { TestDaemon } from './daemon.js';

/** A copy of the bundled tree whose universe router has `uplink` (a YAML flow mapping). */
export function uplinkTree(uplink: string): string {
  const root = mkdtempSync('/tmp/mv-uplink-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  writeFileSync(
    path.join(root, 'service/router/universe/formula.yaml'),
    `description: universe with a test uplink
networks:
  - { network: universe, address: 10.0.0.1, router: true }
uplink: ${uplink}
agent:
  verbs: [run]
  run: [/bin/busybox]
startOrder: 20
`,
  );
  mkdirSync(path.join(root, 'application', 'probe-universe'));
  writeFileSync(
    path.join(root, 'application', 'probe-universe', 'formula.yaml'),
    'description: a network probe\nnetworks:\n  - { network: universe, address: dynamic }\nagent:\n  verbs: [run]\n  run: [/bin/busybox]\n',
  );
  return root;
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
