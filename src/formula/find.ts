/**
 * @module Finding a formula in a resolved catalogue by node path (`application/console`) or portal name
 * (`console.application.portal`), as the CLI and the daemon both do, with a "did you mean" for typos; and
 * the one refusal of an abstract layer where a portal is wanted.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import type { ResolvedFormula } from './manifest.js';
import type { Catalogue } from './resolve.js';
import type { Manifest } from './schema.js';

/** The formula named by a node path or portal name, or undefined if there is none. */
export function lookupFormula(catalogue: Catalogue, name: string): ResolvedFormula | undefined {
  const byNode = catalogue.formulas.get(name.replace(/^\/+|\/+$/g, ''));
  if (byNode) return byNode;
  return [...catalogue.formulas.values()].find((resolved) => resolved.manifest.portalName === name);
}

/** The formula named by a node path or portal name, or `formula.not-found` with the likely nodes. */
export function findFormula(catalogue: Catalogue, name: string): ResolvedFormula {
  const found = lookupFormula(catalogue, name);
  if (found) return found;
  const nodes = [...catalogue.formulas.keys()];
  const suggestions = nodes.filter((node) => node.endsWith(`/${name}`) || node.includes(name)).slice(0, 3);
  throw new MvError('formula.not-found', `No formula "${name}"`, {
    hint:
      suggestions.length > 0
        ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
        : 'Run "portalgun formula list" to see every node.',
  });
}

/** Every manifest of the catalogue, abstract layers included (the net renderers skip those themselves). */
export function manifestsOf(catalogue: Catalogue): Manifest[] {
  return [...catalogue.formulas.values()].map((resolved) => resolved.manifest);
}

/** Throws `formula.invalid` for an abstract layer: only its children are portals (and have images). */
export function requireStartable(manifest: Manifest, doing = 'Start'): void {
  if (!manifest.abstract) return;
  throw new MvError('formula.invalid', `"${manifest.node}" is an abstract layer, not a portal`, {
    hint: `${doing} one of its children; "portalgun formula list" shows which nodes are portals.`,
  });
}
