/**
 * @module A portal's place on the portal networks: its taps on the bridges of the daemon's namespace (each
 * creation registered for undo), the universe router's uplink (netns veth, passt or macvtap), and the
 * anti-spoofing port ruleset, which is
 * re-rendered from every running portal whenever one joins or leaves.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../formula/index.js';
import { macvtapNodeOf, type PortalInstance, passtSocketOf, uplinkNamesOf } from '../../instance/index.js';
import {
  applyRuleset,
  createMacvtapUplink,
  createNetnsUplink,
  createTap,
  deleteMacvtapUplink,
  deleteNetnsUplink,
  deleteTap,
  ensureNamespace,
  type PasstFiles,
  startPasst,
  stopPasst,
} from '../../net/host/index.js';
import { type BridgePort, namespaceName, portsOf, renderPortRuleset } from '../../net/index.js';
import type { DaemonConfig } from '../config.js';
import type { PortalRecord } from '../state/portal-store.js';
import { accountOf } from './account.js';
import type { Reverter } from './reverter.js';

/** The files of the passt behind a user-mode uplink, in the portal's run folder (owned by the QEMU account). */
export function passtFilesOf(runDir: string): PasstFiles {
  return { socket: passtSocketOf(runDir), pidFile: `${runDir}/passt.pid` };
}

/** True if the instance needs the portal namespace at all. */
export function isNetworked(instance: PortalInstance): boolean {
  return instance.nics.length > 0 || instance.uplink !== null;
}

function uplinkPorts(records: readonly { instance: PortalInstance }[]): string[] {
  return records
    .filter((r) => r.instance.uplink?.kind === 'tap')
    .flatMap((r) => {
      const names = uplinkNamesOf(r.instance.name);
      return [names.tap, names.veth];
    });
}

/** Re-renders and applies the port ruleset for a set of running portals. */
export async function applyPortRules(
  config: DaemonConfig,
  records: readonly { manifest: Manifest; instance: PortalInstance }[],
): Promise<void> {
  const networked = records.filter((r) => isNetworked(r.instance));
  if (networked.length === 0) return;
  const ports: BridgePort[] = networked.flatMap((r) => portsOf(r.instance, r.manifest));
  await applyRuleset(
    namespaceName(config.runRoot),
    renderPortRuleset(ports, { uplinkPorts: uplinkPorts(networked) }),
  );
}

/** Creates the instance's taps (and uplink) in the portal namespace; returns the namespace, if any. */
export async function attachNetwork(
  config: DaemonConfig,
  portal: { manifest: Manifest; instance: PortalInstance },
  reverter: Reverter,
): Promise<string | undefined> {
  const { manifest, instance } = portal;
  if (!isNetworked(instance)) return undefined;
  const namespace = namespaceName(config.runRoot);
  await ensureNamespace(namespace);
  for (const port of portsOf(instance, manifest)) {
    await createTap(namespace, {
      name: port.tap,
      bridge: port.bridge,
      owner: accountOf(config, instance),
      isolated: port.role === 'member',
    });
    reverter.add(`remove tap ${port.tap}`, () => deleteTap(namespace, port.tap));
  }
  if (instance.uplink?.kind === 'user') {
    const files = passtFilesOf(instance.runDir);
    await startPasst(files, accountOf(config, instance));
    // passt quits when QEMU disconnects; this covers a QEMU that never connected.
    reverter.add(`stop passt of ${instance.name}`, () => stopPasst(files.pidFile));
  }
  if (instance.uplink?.kind === 'tap') {
    const names = uplinkNamesOf(instance.name);
    await createNetnsUplink(namespace, { lan: manifest.uplink.device ?? '', names });
    reverter.add(`remove uplink of ${instance.name}`, () => deleteNetnsUplink(namespace, names));
    await createTap(namespace, {
      name: names.tap,
      bridge: names.bridge,
      owner: accountOf(config, instance),
      isolated: false,
    });
    reverter.add(`remove tap ${names.tap}`, () => deleteTap(namespace, names.tap));
  }
  if (instance.uplink?.kind === 'fd') {
    const { macvtap } = uplinkNamesOf(instance.name);
    const node = macvtapNodeOf(config.runRoot, instance.name);
    await mkdir(path.dirname(node), { recursive: true, mode: 0o700 });
    await createMacvtapUplink(namespace, {
      device: manifest.uplink.device ?? '',
      name: macvtap,
      mac: instance.uplink.mac,
      node,
    });
    reverter.add(`remove macvtap ${macvtap}`, async () => {
      await rm(node, { force: true });
      await deleteMacvtapUplink(namespace, macvtap);
    });
  }
  return namespace;
}

/** Removes the instance's taps and uplink (safe to repeat). */
export async function detachNetwork(config: DaemonConfig, record: PortalRecord): Promise<void> {
  if (!isNetworked(record.instance)) return;
  const namespace = namespaceName(config.runRoot);
  const report = (error: unknown) => config.log(`${record.name}: network cleanup: ${String(error)}`);
  for (const nic of record.instance.nics) await deleteTap(namespace, nic.tap).catch(report);
  if (record.instance.uplink?.kind === 'user') {
    await stopPasst(passtFilesOf(record.instance.runDir).pidFile).catch(report);
  }
  if (record.instance.uplink?.kind === 'tap') {
    const names = uplinkNamesOf(record.instance.name);
    await deleteTap(namespace, names.tap).catch(report);
    await deleteNetnsUplink(namespace, names).catch(report);
  }
  if (record.instance.uplink?.kind === 'fd') {
    await rm(macvtapNodeOf(config.runRoot, record.instance.name), { force: true }).catch(report);
    await deleteMacvtapUplink(namespace, uplinkNamesOf(record.instance.name).macvtap).catch(report);
  }
}
