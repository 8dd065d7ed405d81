/**
 * @module The router chain of a catalogue, drawn: as an ASCII tree (each network under the network its
 * router leaves by, each uplink at a root) and as Graphviz DOT (edges follow outbound packets: member →
 * network → router → upstream network → … → uplink). Both are deterministic: the same manifests give the
 * same text, so they can be golden files and diffed.
 * Pure: no I/O.
 */
import {
  addressOn,
  cidrOf,
  compareText,
  hostNumberOn,
  type Manifest,
  NETWORK_NAMES,
  type NetworkName,
} from '../formula/index.js';
import { gatewayNetworkOf, routersOf } from './route.js';

/** One formula on a network it does not route, with its fixed address or `dynamic`. */
export interface Member {
  readonly node: string;
  readonly address: string;
}

/** The formulas on a network that do not route it: fixed addresses in address order, then dynamic ones. */
export function membersOn(network: NetworkName, portals: readonly Manifest[]): Member[] {
  const members = portals.flatMap((m) =>
    m.networks
      .filter((a) => a.network === network && !a.router)
      .map((a) => ({ node: m.node, address: a.address })),
  );
  const rank = (m: Member) => hostNumberOn(network, m.address) ?? 1000; // dynamic after fixed
  return members.sort((a, b) => rank(a) - rank(b) || compareText(a.node, b.node));
}

/** One portal network as the catalogue uses it. */
interface ChainNetwork {
  readonly network: NetworkName;
  readonly router: Manifest | undefined;
  /** The network the router's default route leaves by; undefined at a root. */
  readonly upstream: NetworkName | undefined;
  readonly members: readonly Member[];
}

/** The catalogue's networks in plan order, and the portals with no network at all. */
interface Chain {
  readonly networks: readonly ChainNetwork[];
  readonly offline: readonly Manifest[];
}

function planChain(manifests: readonly Manifest[]): Chain {
  const portals = manifests.filter((m) => !m.abstract).sort((a, b) => compareText(a.node, b.node));
  const routers = routersOf(portals);
  const networks = NETWORK_NAMES.flatMap((network): ChainNetwork[] => {
    const members = membersOn(network, portals);
    const router = routers.get(network);
    if (!router && members.length === 0) return [];
    return [{ network, router, upstream: router && gatewayNetworkOf(router), members }];
  });
  return { networks, offline: portals.filter((m) => m.networks.length === 0) };
}

function heading(net: ChainNetwork): string {
  const by = net.router ? `router ${net.router.node} at ${addressOn(net.network, 1)}` : 'no router';
  return `${net.network} ${cidrOf(net.network)}, ${by}`;
}

/** Draws items (each a first line and the lines under it) as the branches of one tree node. */
function branches(items: readonly (readonly string[])[]): string[] {
  return items.flatMap((lines, i) => {
    const last = i === items.length - 1;
    const [first = '', ...rest] = lines;
    return [`${last ? '└── ' : '├── '}${first}`, ...rest.map((line) => `${last ? '    ' : '│   '}${line}`)];
  });
}

function subtree(net: ChainNetwork, chain: Chain, seen: Set<NetworkName>): string[] {
  seen.add(net.network);
  const width = Math.max(0, ...net.members.map((m) => m.address.length));
  const children = chain.networks.filter(
    (child) => child.router && child.upstream === net.network && !seen.has(child.network),
  );
  return branches([
    ...net.members.map((m) => [`${m.address.padEnd(width)}  ${m.node}`]),
    ...children.map((child) => [heading(child), ...subtree(child, chain, seen)]),
  ]);
}

/** The chain as an ASCII tree, with each network's range, router and members, then the offline portals. */
export function renderChainText(manifests: readonly Manifest[]): string {
  const chain = planChain(manifests);
  const seen = new Set<NetworkName>();
  const blocks: string[][] = [];
  for (const root of chain.networks) {
    if (!root.router || root.upstream !== undefined) continue;
    const mode = root.router.uplink.mode;
    const top =
      mode === 'none' ? `no uplink: ${root.router.node}` : `uplink (${mode}) of ${root.router.node}`;
    blocks.push([top, ...branches([[heading(root), ...subtree(root, chain, seen)]])]);
  }
  for (const net of chain.networks) {
    if (!seen.has(net.network)) blocks.push([`unreachable: ${heading(net)}`, ...subtree(net, chain, seen)]);
  }
  if (chain.offline.length > 0) {
    blocks.push(['offline (no network):', ...branches(chain.offline.map((m) => [m.node]))]);
  }
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}

const escapeDot = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
/** A quoted DOT string; several lines are joined with DOT's `\n`. */
const quote = (...lines: string[]) => `"${lines.map(escapeDot).join('\\n')}"`;
const netId = (network: NetworkName) => quote(`net:${network}`);
const portalId = (node: string) => quote(`portal:${node}`);
const uplinkId = (node: string) => quote(`uplink:${node}`);

/** The chain as a Graphviz digraph; edges follow outbound packets. */
export function renderChainDot(manifests: readonly Manifest[]): string {
  const chain = planChain(manifests);
  const portals = manifests.filter((m) => !m.abstract).sort((a, b) => compareText(a.node, b.node));
  const routers = new Set(chain.networks.flatMap((net) => (net.router ? [net.router.node] : [])));
  const nodes: string[] = [];
  const edges: string[] = [];
  for (const net of chain.networks) {
    nodes.push(`${netId(net.network)} [shape=box, label=${quote(net.network, cidrOf(net.network))}];`);
    if (net.router) {
      const label = quote(`router ${addressOn(net.network, 1)}`);
      edges.push(`${netId(net.network)} -> ${portalId(net.router.node)} [label=${label}];`);
    }
    for (const m of net.members)
      edges.push(`${portalId(m.node)} -> ${netId(net.network)} [label=${quote(m.address)}];`);
  }
  for (const m of portals) {
    const shape = routers.has(m.node) ? 'hexagon' : 'ellipse';
    const style = m.networks.length === 0 ? ', style=dashed' : '';
    nodes.push(`${portalId(m.node)} [shape=${shape}${style}, label=${quote(m.node)}];`);
    if (routers.has(m.node) && m.uplink.mode !== 'none') {
      nodes.push(`${uplinkId(m.node)} [shape=diamond, label=${quote('uplink', m.uplink.mode)}];`);
      edges.push(`${portalId(m.node)} -> ${uplinkId(m.node)};`);
    }
  }
  const body = [...nodes, ...edges].map((line) => `  ${line}`);
  return `${[
    'digraph multiverse_chain {',
    '  graph [rankdir=LR, fontname="monospace"];',
    '  node [fontname="monospace"];',
    '  edge [fontname="monospace"];',
    ...body,
    '}',
  ].join('\n')}\n`;
}
