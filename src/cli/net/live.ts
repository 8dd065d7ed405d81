/**
 * @module What the daemon says is running, as the net commands use it: its portal list when it could be
 * asked, or why it could not. The net commands print what the formulas say either way, so a stopped daemon
 * is a state to show, not a failure.
 * Pure: no I/O (`cli/live-state.ts` asks the daemon).
 */
import { isActivePortal, type PortalSummary } from '../../protocol/index.js';

/** The daemon's portal list, or why there is none: not running (no socket), or it refused or failed. */
export type LiveState =
  | { readonly daemon: 'running'; readonly portals: readonly PortalSummary[] }
  | { readonly daemon: 'not-running' | 'unavailable'; readonly reason: string };

/** The portals that have a QEMU process, or undefined when the daemon could not be asked. */
export function livePortals(live: LiveState): PortalSummary[] | undefined {
  return live.daemon === 'running' ? live.portals.filter((p) => isActivePortal(p.state)) : undefined;
}

/** What a cell says in place of live information when the daemon could not be asked. */
export function unknownCell(daemon: Exclude<LiveState['daemon'], 'running'>): string {
  return daemon === 'not-running' ? 'daemon not running' : 'daemon unavailable';
}

/** The daemon's part of a JSON document: its state, its socket and, if it could not be asked, why. */
export interface DaemonDoc {
  readonly state: LiveState['daemon'];
  readonly socket: string;
  readonly reason: string | null;
}

/** The daemon's part of a JSON document. */
export function daemonDoc(live: LiveState, socket: string): DaemonDoc {
  return { state: live.daemon, socket, reason: live.daemon === 'running' ? null : live.reason };
}
