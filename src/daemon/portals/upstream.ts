/**
 * @module Start order as a rule the daemon enforces: a portal starts only while the router of the network
 * its packets leave by is ready, so nothing boots into a chain with a missing hop (it would be offline,
 * which is safe, but looks like a broken portal). `portalgun up` starts the missing routers first; other
 * clients get `portal.router-down` with that advice.
 */
import { MvError } from '../../errors/index.js';
import type { Manifest } from '../../formula/index.js';
import { exitPath } from '../../net/index.js';

/** Throws `portal.router-down` unless the first router on the manifest's way out has a ready portal. */
export function requireUpstreamReady(
  manifest: Manifest,
  manifests: readonly Manifest[],
  portals: readonly { readonly node: string; readonly state: string }[],
): void {
  const first = exitPath(manifest, manifests).hops[0];
  if (first?.kind !== 'router') return;
  if (portals.some((p) => p.node === first.node && p.state === 'ready')) return;
  throw new MvError(
    'portal.router-down',
    `${manifest.node} sends its packets through the ${first.network} router (${first.node}), which is not running`,
    {
      hint: `"portalgun up ${manifest.node}" starts the routers it needs first; "portalgun up --chain" starts the whole chain.`,
    },
  );
}
