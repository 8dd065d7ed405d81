/**
 * @module `portalgun route <portal-or-formula>`: the way a portal's packets leave, hop by hop to the uplink,
 * or where they stop. A formula is looked up in the tree; any other name is asked of the daemon as a
 * portal, whose formula (and address) it then uses.
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import type { Catalogue, Manifest } from '../../formula/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

interface RouteStart {
  readonly manifest: Manifest;
  readonly portal?: PortalSummary;
}

function portalFormula(catalogue: Catalogue, portal: PortalSummary): Manifest {
  const resolved = catalogue.formulas.get(portal.node);
  if (resolved) return resolved.manifest;
  throw new MvError(
    'formula.not-found',
    `Portal "${portal.name}" runs formula "${portal.node}", which this formula tree does not have`,
    {
      hint: 'The daemon has no such formula now: it was renamed or removed from its tree since the portal started.',
    },
  );
}

/** A formula of the tree, else a portal the daemon knows (an abstract layer's name may be a portal's too). */
async function findRouteStart(catalogue: Catalogue, name: string, socket: string): Promise<RouteStart> {
  const { lookupFormula } = await import('../../formula/index.js');
  const { readLiveState } = await import('../live-state.js');
  const formula = lookupFormula(catalogue, name);
  if (formula && !formula.manifest.abstract) return { manifest: formula.manifest };
  const live = await readLiveState(socket);
  const portal = live.daemon === 'running' ? live.portals.find((p) => p.name === name) : undefined;
  if (portal) return { manifest: portalFormula(catalogue, portal), portal };
  if (formula) {
    throw new MvError('formula.invalid', `"${formula.manifest.node}" is an abstract layer, not a portal`, {
      hint: 'Ask for one of its children; "portalgun formula list" shows which nodes are portals.',
    });
  }
  throw new MvError('portal.not-found', `No formula or portal "${name}"`, {
    hint:
      live.daemon === 'running'
        ? 'Give a portal name from "portalgun ps" or a node path from "portalgun formula list".'
        : `Only formulas were searched (${live.reason}); "portalgun formula list" shows them.`,
  });
}

/** Registers `route`. */
export function registerRoute(program: Command): void {
  program
    .command('route')
    .description("Show the way a portal's packets leave: each router on the way, then the uplink")
    .argument('<portal-or-formula>', 'a portal name (as "portalgun ps" shows) or a formula node path')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { manifestsOf } = await import('../../formula/index.js');
      const { daemonSocketPath } = await import('../daemon-client.js');
      const { planRoute } = await import('../net/route-view.js');
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const global = globalOptions(command);
      const { catalogue } = await loadTreeInUse(global);
      const start = await findRouteStart(catalogue, name, daemonSocketPath(global.run));
      const route = planRoute(start.manifest, manifestsOf(catalogue), start.portal);
      if (global.json) return writeJson(route);
      writeText(route.text);
    });
}
