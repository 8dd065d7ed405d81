/**
 * @module `portalgun net ls`: one row per portal network with its range, its router formula, whether that
 * router runs, and how many member portals run on it; as text columns or as a JSON document.
 * Pure: no I/O.
 */
import type { NetworkName } from '../../formula/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { renderColumns } from '../render/columns.js';
import { type DaemonDoc, daemonDoc, type LiveState, livePortals, unknownCell } from './live.js';
import type { NetworkView } from './network-view.js';

/** A running portal of a router formula. */
export interface RouterPortal {
  readonly name: string;
  readonly state: PortalSummary['state'];
}

/** One network's row; `null` counts and portal lists mean the daemon could not be asked. */
export interface NetworkRow {
  readonly network: NetworkName;
  readonly cidr: string;
  readonly router: {
    readonly node: string;
    readonly address: string;
    readonly portals: readonly RouterPortal[] | null;
  } | null;
  readonly upstream: NetworkName | null;
  readonly members: { readonly formulas: number; readonly running: number | null };
}

/** The `net ls --json` document. */
export interface NetworkListDoc {
  readonly daemon: DaemonDoc;
  readonly networks: readonly NetworkRow[];
}

function rowOf(view: NetworkView, running: readonly PortalSummary[] | undefined): NetworkRow {
  const router = view.router;
  const onNetwork = running?.filter((p) => p.addresses.some((a) => a.network === view.network));
  return {
    network: view.network,
    cidr: view.cidr,
    router: router && {
      node: router.node,
      address: router.address,
      portals:
        running?.filter((p) => p.node === router.node).map((p) => ({ name: p.name, state: p.state })) ?? null,
    },
    upstream: view.upstream?.network ?? null,
    members: {
      formulas: view.members.length,
      running: onNetwork?.filter((p) => p.node !== router?.node).length ?? null,
    },
  };
}

/** `net ls`: every network, with what runs on it when the daemon (at `socket`) could be asked. */
export function planNetworkList(
  views: readonly NetworkView[],
  live: LiveState,
  socket: string,
): NetworkListDoc {
  const running = livePortals(live);
  return { daemon: daemonDoc(live, socket), networks: views.map((view) => rowOf(view, running)) };
}

function routerCell(row: NetworkRow, daemon: DaemonDoc['state']): string {
  if (!row.router) return '-';
  if (daemon !== 'running') return unknownCell(daemon);
  const portals = row.router.portals ?? [];
  if (portals.length === 0) return 'not running';
  return portals.map((p) => `${p.state} (${p.name})`).join(', ');
}

/** The list as text columns; `?` marks a count the daemon was not there to give. */
export function renderNetworkTable({ daemon, networks }: NetworkListDoc): string {
  return renderColumns([
    ['NETWORK', 'CIDR', 'ROUTER', 'ROUTER STATE', 'UPSTREAM', 'MEMBER FORMULAS', 'RUNNING MEMBERS'],
    ...networks.map((row) => [
      row.network,
      row.cidr,
      row.router?.node ?? '-',
      routerCell(row, daemon.state),
      row.upstream ?? '-',
      String(row.members.formulas),
      row.members.running === null ? '?' : String(row.members.running),
    ]),
  ]);
}
