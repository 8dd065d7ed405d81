/**
 * @module `portalgun up --chain`: starts the routers of the catalogue in chain order (universe → galaxy →
 * star), each only after the one before it is ready (`portal.up` returns once the guest reports ready),
 * leaving running ones alone. The first failure stops it; the hops already up stay up and the error says so.
 * `portalgun up <formula>` runs the same steps for the routers on that formula's way out, before it.
 */
import { MvError } from '../../errors/index.js';
import { lookupFormula, manifestsOf } from '../../formula/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import {
  type ChainOutcome,
  type ChainStep,
  chainHopError,
  planChainHops,
  planChainSteps,
  planRouteHops,
  renderChainOutcome,
} from '../net/chain-plan.js';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { upPortal } from '../signed-images.js';
import { loadTreeInUse } from '../tree-in-use.js';
import type { GlobalOptions } from './global-options.js';

interface StepContext {
  readonly label: string;
  readonly socketPath: string;
  readonly progress: (message: string) => void;
  readonly portals: readonly PortalSummary[];
  readonly earlier: readonly ChainOutcome[];
}

async function runStep(step: ChainStep, context: StepContext): Promise<ChainOutcome> {
  const { label, progress } = context;
  const outcome = { network: step.network, node: step.node, portal: step.name };
  if (step.action === 'skip') {
    const running = context.portals.find((p) => p.name === step.name);
    progress(`${label}: ${step.node} already running as "${step.name}", skipped`);
    return { ...outcome, result: 'skipped', state: running?.state ?? 'ready', pid: running?.pid ?? null };
  }
  progress(`${label}: starting ${step.node} as "${step.name}"`);
  try {
    const summary = await upPortal(
      { formula: step.node, name: step.name },
      { socketPath: context.socketPath, onProgress: (message) => progress(`${step.network}: ${message}`) },
    );
    progress(`${label}: ${summary.state} (pid ${summary.pid ?? '-'})`);
    return { ...outcome, result: 'started', state: summary.state, pid: summary.pid };
  } catch (error) {
    throw error instanceof MvError ? chainHopError(step, error, context.earlier) : error;
  }
}

/** Starts the router chain in order and prints what was started and what was already running. */
export async function upChain(global: GlobalOptions): Promise<void> {
  const hops = planChainHops(manifestsOf((await loadTreeInUse(global)).catalogue));
  if (hops.length === 0) {
    throw new MvError(
      'formula.no-router',
      'The formula tree has no router chain: no service formula routes a network',
      {
        hint: '"portalgun net ls" shows the networks and their routers.',
      },
    );
  }
  const socketPath = daemonSocketPath(global.run);
  const { portals } = await callDaemon('portal.list', {}, { socketPath });
  const steps = planChainSteps(hops, portals);
  const progress = progressPrinter();
  const outcomes: ChainOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    const label = `${step.network} (${index + 1}/${steps.length})`;
    outcomes.push(await runStep(step, { label, socketPath, progress, portals, earlier: outcomes }));
  }
  if (global.json) return writeJson({ chain: outcomes });
  writeText(renderChainOutcome(outcomes));
}

/**
 * Starts the routers a formula's packets leave through, upstream first, each once the one before is ready
 * (the daemon refuses to start a portal whose router is down). Quiet when they all run already.
 */
export async function upRoute(
  formula: string,
  global: GlobalOptions,
  progress: (message: string) => void,
): Promise<void> {
  const { catalogue } = await loadTreeInUse(global);
  const resolved = lookupFormula(catalogue, formula);
  // An unknown formula or an abstract layer starts nothing: the daemon refuses it with its own error.
  if (!resolved || resolved.manifest.abstract) return;
  const hops = planRouteHops(resolved.manifest, manifestsOf(catalogue));
  if (hops.length === 0) return;
  const socketPath = daemonSocketPath(global.run);
  const { portals } = await callDaemon('portal.list', {}, { socketPath });
  const steps = planChainSteps(hops, portals).filter((step) => step.action === 'start');
  const outcomes: ChainOutcome[] = [];
  for (const step of steps) {
    const label = `${resolved.manifest.node} needs the ${step.network} router`;
    outcomes.push(await runStep(step, { label, socketPath, progress, portals, earlier: outcomes }));
  }
}
