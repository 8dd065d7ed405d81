/**
 * @module The account a portal's processes run as (QEMU, its swtpm and passt) and its files belong to: the
 * portal's own uid from its instance, in the QEMU account's group; the shared QEMU account itself for a
 * portal started before per-portal accounts (instance/portal-account.ts).
 */
import type { PortalInstance } from '../../instance/index.js';
import type { DaemonConfig } from '../config.js';

/** A uid and gid to run as and own files with. */
export interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** The account of one portal. */
export function accountOf(config: Pick<DaemonConfig, 'owner'>, instance: PortalInstance): Account {
  return { uid: instance.uid ?? config.owner.uid, gid: config.owner.gid };
}
