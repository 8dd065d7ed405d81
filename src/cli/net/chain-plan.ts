/**
 * @module `portalgun up --chain`: which routers make the chain, in which order they start, which are already
 * running, what each new portal is called, and how the outcome and a failed hop are reported.
 * Pure: no I/O (`cli/commands/chain-up.ts` talks to the daemon).
 */
import { MvError } from '../../errors/index.js';
import { compareText, type Manifest, NETWORK_NAMES, type NetworkName } from '../../formula/index.js';
import { exitPath, routersOf } from '../../net/index.js';
import { isActivePortal, type PortalSummary } from '../../protocol/index.js';
import { renderColumns } from '../render/columns.js';

/** One router of the chain and the network it routes (its portal is named after that network). */
export interface ChainHop {
  readonly network: NetworkName;
  readonly node: string;
}

/** How many routers lie between a router and the outside: roots first means upstream before downstream. */
function depthOf(router: Manifest, manifests: readonly Manifest[]): number {
  return exitPath(router, manifests).hops.filter((hop) => hop.kind === 'router').length;
}

/**
 * The chain's routers in start order: each after the router its packets leave through (roots first), then
 * by `startOrder`, then by node. Only service portals: the app network's router is the user controller, a
 * workspace that is started on its own, not a hop of the chain.
 */
export function planChainHops(manifests: readonly Manifest[]): ChainHop[] {
  const routers = routersOf(manifests);
  const hops = new Map<string, { hop: ChainHop; router: Manifest }>();
  for (const network of NETWORK_NAMES) {
    const router = routers.get(network);
    if (router?.class === 'service' && !hops.has(router.node))
      hops.set(router.node, { hop: { network, node: router.node }, router });
  }
  const ranked = [...hops.values()].map((entry) => ({ ...entry, depth: depthOf(entry.router, manifests) }));
  ranked.sort(
    (a, b) =>
      a.depth - b.depth ||
      a.router.startOrder - b.router.startOrder ||
      compareText(a.router.node, b.router.node),
  );
  return ranked.map((entry) => entry.hop);
}

/**
 * The routers a portal's packets pass on their way out, upstream first: what `portalgun up <formula>`
 * starts before the formula itself (none for an offline portal or the uplink router).
 */
export function planRouteHops(manifest: Manifest, manifests: readonly Manifest[]): ChainHop[] {
  return exitPath(manifest, manifests)
    .hops.flatMap((hop) => (hop.kind === 'router' ? [{ network: hop.network, node: hop.node }] : []))
    .reverse();
}

/** What `up --chain` does for one hop: start a portal under a name, or leave the running one alone. */
export interface ChainStep extends ChainHop {
  readonly action: 'start' | 'skip';
  readonly name: string;
}

/**
 * The steps for the hops given the daemon's portals: a ready portal of the router's formula is kept; a new
 * one is named after its network. A router portal that is starting or stopping, or a network's name held by
 * another portal, stops the plan before anything starts.
 */
export function planChainSteps(hops: readonly ChainHop[], portals: readonly PortalSummary[]): ChainStep[] {
  return hops.map((hop): ChainStep => {
    const ofRouter = portals.filter((p) => p.node === hop.node);
    const ready = ofRouter.find((p) => p.state === 'ready');
    if (ready) return { action: 'skip', ...hop, name: ready.name };
    const busy = ofRouter.find((p) => ['starting', 'stopping', 'restarting'].includes(p.state));
    if (busy) {
      throw new MvError('portal.wrong-state', `The ${hop.network} router "${busy.name}" is ${busy.state}`, {
        hint: 'Wait until it is ready or stopped, then run "portalgun up --chain" again.',
      });
    }
    const holder = portals.find((p) => p.name === hop.network && isActivePortal(p.state));
    if (holder) {
      throw new MvError(
        'portal.exists',
        `The ${hop.network} router's portal would be named "${hop.network}", but a ${holder.node} portal of that name is ${holder.state}`,
        { hint: `Stop it first: portalgun down ${holder.name}` },
      );
    }
    return { action: 'start', ...hop, name: hop.network };
  });
}

/** What became of one hop. */
export interface ChainOutcome {
  readonly network: NetworkName;
  readonly node: string;
  readonly portal: string;
  readonly result: 'started' | 'skipped';
  readonly state: PortalSummary['state'];
  readonly pid: number | null;
}

/** The outcome as text columns. */
export function renderChainOutcome(outcomes: readonly ChainOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.network,
    o.portal,
    o.node,
    o.result === 'started' ? `started (${o.state}, pid ${o.pid ?? '-'})` : `already running (${o.state})`,
  ]);
  return renderColumns([['NETWORK', 'PORTAL', 'FORMULA', 'RESULT'], ...rows]);
}

/** The error of a failed hop, under its own code, saying which hops before it stay up. */
export function chainHopError(step: ChainStep, error: MvError, earlier: readonly ChainOutcome[]): MvError {
  const names = earlier.map((o) => `"${o.portal}"`);
  const kept =
    names.length === 0
      ? 'No router of the chain was started.'
      : `The routers before it stay up (${names.join(', ')}); "portalgun down <portal>" stops one.`;
  return new MvError(
    error.code,
    `The ${step.network} router (${step.node}) did not start: ${error.message}`,
    {
      hint: error.hint === undefined ? kept : `${error.hint} ${kept}`,
      diagnostics: error.diagnostics,
      cause: error,
      ...(error.where ? { where: error.where } : {}),
    },
  );
}
