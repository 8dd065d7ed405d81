/**
 * @module Each running portal's own account: a uid from a range portalgun keeps for portals, so one escaped
 * QEMU cannot open another portal's overlay, sockets, share or volumes (they are that portal's uid's, mode
 * 0600/0700). The group stays the QEMU account's, which opens /dev/net/tun and nothing of any portal. The
 * uid is part of the instance: a restart and a re-adopting daemon keep it; it is free again once the portal
 * stops. The range lies far above login accounts and the subordinate ids of /etc/subuid.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/** The first uid of the portal range and how many there are. */
export const PORTAL_UIDS = { first: 1_700_000_000, count: 65_536 } as const;

/** Whether a uid is one of the portal range. */
export function isPortalUid(uid: number): boolean {
  return Number.isInteger(uid) && uid >= PORTAL_UIDS.first && uid < PORTAL_UIDS.first + PORTAL_UIDS.count;
}

/** The lowest portal uid no running portal holds. */
export function allocatePortalUid(taken: ReadonlySet<number>): number {
  for (let uid = PORTAL_UIDS.first; uid < PORTAL_UIDS.first + PORTAL_UIDS.count; uid++) {
    if (!taken.has(uid)) return uid;
  }
  throw new MvError('portal.no-account', `All ${PORTAL_UIDS.count} portal accounts are in use`, {
    hint: 'Stop a portal first.',
  });
}

/** The accounts of an /etc/passwd text whose uid lies in the portal range (there must be none). */
export function accountsInPortalRange(passwd: string): string[] {
  return passwd
    .split('\n')
    .map((line) => line.split(':'))
    .filter(([, , uid]) => uid !== undefined && isPortalUid(Number(uid)))
    .map(([name = '']) => name);
}
