/**
 * @module `portalgun net show <net>`: one network in detail: range, router and the network above it, its
 * bridge and the daemon's namespace, the formulas that join it and the portals running on it.
 * Pure: no I/O.
 */
import { compareText } from '../../formula/index.js';
import { bridgeName, namespaceName } from '../../net/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { renderColumns } from '../render/columns.js';
import { type DaemonDoc, daemonDoc, type LiveState, livePortals, unknownCell } from './live.js';
import { formatUplink, type NetworkView } from './network-view.js';

/** A running portal with its address on the network. */
export interface PortalOnNetwork {
  readonly name: string;
  readonly node: string;
  readonly state: PortalSummary['state'];
  readonly address: string;
  readonly role: 'router' | 'member';
}

/** Everything `net show` prints; `portals` is null when the daemon could not be asked. */
export interface NetworkDetail extends NetworkView {
  readonly bridge: string;
  readonly namespace: string;
  readonly daemon: DaemonDoc;
  readonly portals: readonly PortalOnNetwork[] | null;
}

/** Where the daemon is: its run folder names the namespace, its socket is asked. */
export interface DaemonPlace {
  readonly runDir: string;
  readonly socket: string;
}

/** The router first, then members by host number (the address plan's order), then by name. */
function comparePortals(a: PortalOnNetwork, b: PortalOnNetwork): number {
  const host = (p: PortalOnNetwork) => Number(p.address.split('.')[3]);
  return (
    (a.role === 'router' ? 0 : 1) - (b.role === 'router' ? 0 : 1) ||
    host(a) - host(b) ||
    compareText(a.name, b.name)
  );
}

function portalsOn(view: NetworkView, running: readonly PortalSummary[]): PortalOnNetwork[] {
  const portals = running.flatMap((p) =>
    p.addresses
      .filter((a) => a.network === view.network)
      .map((a) => ({
        name: p.name,
        node: p.node,
        state: p.state,
        address: a.address,
        role: a.address === view.router?.address ? ('router' as const) : ('member' as const),
      })),
  );
  return portals.sort(comparePortals);
}

/** One network with its host-side names and what runs on it. */
export function planNetworkDetail(view: NetworkView, live: LiveState, place: DaemonPlace): NetworkDetail {
  const running = livePortals(live);
  return {
    ...view,
    bridge: bridgeName(view.network),
    namespace: namespaceName(place.runDir),
    daemon: daemonDoc(live, place.socket),
    portals: running ? portalsOn(view, running) : null,
  };
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

function membersBlock(detail: NetworkDetail): string {
  if (detail.members.length === 0) return `formulas on ${detail.network}: none`;
  const rows = detail.members.map((m) => [m.address, m.node]);
  return `formulas on ${detail.network}:\n${indent(renderColumns([['ADDRESS', 'NODE'], ...rows]))}`;
}

function portalsBlock(detail: NetworkDetail): string {
  const title = `running on ${detail.network}`;
  const { state } = detail.daemon;
  if (state !== 'running') return `${title}: unknown (${unknownCell(state)})`;
  const portals = detail.portals ?? [];
  if (portals.length === 0) return `${title}: none`;
  const rows = portals.map((p) => [p.name, p.node, p.address, p.state, p.role]);
  return `${title}:\n${indent(renderColumns([['NAME', 'FORMULA', 'ADDRESS', 'STATE', 'ROLE'], ...rows]))}`;
}

function upstreamText({ upstream, uplink }: NetworkDetail): string {
  if (upstream) return `${upstream.network}, where the router is ${upstream.address}`;
  return uplink ? `uplink ${formatUplink(uplink)}` : 'none';
}

/** The detail as text: a block of facts, the member formulas, the running portals. */
export function renderNetworkDetail(detail: NetworkDetail): string {
  const { router } = detail;
  const daemon = {
    running: `running at ${detail.daemon.socket}`,
    'not-running': `not running (no daemon at ${detail.daemon.socket})`,
    unavailable: `unavailable: ${detail.daemon.reason}`,
  }[detail.daemon.state];
  const facts = renderColumns([
    ['network', `${detail.network} ${detail.cidr}`],
    ['purpose', detail.purpose],
    ['router', router ? `${router.node} at ${router.address}` : 'none'],
    ['upstream', upstreamText(detail)],
    ['bridge', `${detail.bridge} in the daemon's namespace ${detail.namespace}`],
    ['daemon', daemon],
  ]);
  return `${facts}\n\n${membersBlock(detail)}\n\n${portalsBlock(detail)}\n`;
}
