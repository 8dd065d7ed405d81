/**
 * @module The daemon's side of device passthrough. Before a portal's QEMU starts: plan its PCI and USB
 * devices from a fresh look at sysfs and the claims of the running portals, hand them over (each step
 * undone by the start's Reverter if the start fails) and record the claim. When it stops, crashes or is
 * reaped after a daemon restart: give back what the claim says. A portal that asks for no device costs
 * nothing here: no sysfs is read and nothing is written.
 */
import type { Manifest } from '../../formula/index.js';
import {
  claimsDirOf,
  giveBack,
  HOST_ROOTS,
  type HostRoots,
  handOver,
  readClaim,
  readClaims,
  readPassthroughFacts,
  removeClaim,
  saveClaim,
} from '../../passthrough/host/index.js';
import {
  heldDevices,
  isEmptyRequest,
  memlockBytesFor,
  passthroughRequestOf,
  planPassthrough,
} from '../../passthrough/index.js';
import { isActivePortal } from '../../protocol/index.js';
import type { DaemonConfig } from '../config.js';
import type { PortalStore } from '../state/portal-store.js';
import type { Reverter } from './reverter.js';

/** What QEMU gets from the handover. */
export interface HostDevices {
  /** Descriptors QEMU inherits after the macvtap uplink's: one per USB device, in formula order. */
  readonly fds: readonly number[];
  /** What the launch needs besides: the locked-memory limit VFIO's pinned guest memory needs. */
  readonly launch: { readonly memlockBytes?: number };
  /** Closes the descriptors once QEMU holds them; safe to call again. */
  close(): void;
}

const NO_DEVICES: HostDevices = { fds: [], launch: {}, close: () => undefined };

/** What of the daemon's configuration this needs. */
type Config = Pick<DaemonConfig, 'runRoot' | 'owner' | 'log'>;

/** Where the host's sysfs, procfs and /dev are (tests give a fake tree). */
interface RootsOption {
  readonly roots?: HostRoots;
}

/** Hands a portal its devices, or refuses with a typed error before anything on the host changed. */
export async function claimHostDevices(
  config: Config,
  portal: {
    readonly name: string;
    readonly manifest: Manifest;
    readonly owner: { readonly uid: number; readonly gid: number };
    readonly reverter: Reverter;
  } & RootsOption,
): Promise<HostDevices> {
  const request = passthroughRequestOf(portal.manifest);
  if (isEmptyRequest(request)) return NO_DEVICES;
  const { reverter, roots = HOST_ROOTS } = portal;
  const dir = claimsDirOf(config.runRoot);
  const others = (await readClaims(dir)).filter((claim) => claim.portal !== portal.name);
  const plan = planPassthrough(request, await readPassthroughFacts(roots), {
    node: portal.manifest.node,
    held: heldDevices(others),
  });
  const { claim, passed } = await handOver(portal.name, plan, { roots, owner: portal.owner, undo: reverter });
  await saveClaim(dir, claim);
  reverter.add(`forget the devices of ${portal.name}`, () => removeClaim(dir, portal.name));
  const memlockBytes = memlockBytesFor(portal.manifest, request);
  return {
    fds: passed.fds,
    launch: memlockBytes === undefined ? {} : { memlockBytes },
    close: () => passed.close(),
  };
}

/** Gives back what a stopped portal held (nothing if it held nothing); problems are logged, never thrown. */
export async function releaseHostDevices(
  config: Config,
  name: string,
  { roots = HOST_ROOTS }: RootsOption = {},
): Promise<void> {
  const dir = claimsDirOf(config.runRoot);
  try {
    const claim = await readClaim(dir, name);
    if (!claim) return;
    for (const problem of await giveBack(claim, { roots })) {
      config.log(`${name}: giving back a device: ${problem}`);
    }
    await removeClaim(dir, name);
  } catch (error) {
    config.log(`${name}: giving back its devices: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * At daemon start, after re-adoption: gives back the devices of claims whose portal is not running (a
 * start cut short by a daemon crash before its record was written), so they are not held forever.
 */
export async function releaseOrphanDevices(
  config: Config,
  store: Pick<PortalStore, 'list'>,
  options: RootsOption = {},
): Promise<void> {
  const running = store
    .list()
    .filter((record) => isActivePortal(record.state))
    .map((record) => record.name);
  const claims = await readClaims(claimsDirOf(config.runRoot)).catch((error: unknown) => {
    config.log(`passthrough claims: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  });
  for (const claim of claims.filter((c) => !running.includes(c.portal))) {
    config.log(`${claim.portal}: not running, giving back its devices`);
    await releaseHostDevices(config, claim.portal, options);
  }
}
