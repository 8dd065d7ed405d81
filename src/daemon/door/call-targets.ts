/**
 * @module The policy values the daemon derives itself rather than taking from the caller: the formula node a
 * `formula` parameter names (a node path or a portal name, resolved in the daemon's tree as the method will
 * resolve it), and for `portal.up` the portal name it will use (the one given, else the free name the manager
 * picks for the formula). The door matches the policy against these and runs the method with them, so what
 * the policy allowed is exactly what runs.
 */
import { findFormula } from '../../formula/index.js';
import type { MethodName } from '../../protocol/index.js';
import { readValidCatalogue } from '../catalogue.js';

/** Derives a call's policy values from its validated parameters; {} for a method with nothing to derive. */
export type ResolveTargets = (
  method: MethodName,
  params: Readonly<Record<string, unknown>>,
) => Promise<Readonly<Record<string, string>>>;

const NAMES_A_FORMULA: ReadonlySet<MethodName> = new Set(['portal.up', 'image.build', 'image.prepare']);

/** The resolver over the daemon's formula tree and its manager's choice of free names. */
export function formulaTargets(deps: {
  readonly formulasDir: string;
  readonly freeName: (base: string) => string;
}): ResolveTargets {
  return async (method, params) => {
    if (!NAMES_A_FORMULA.has(method) || typeof params.formula !== 'string') return {};
    const { manifest } = findFormula(await readValidCatalogue(deps.formulasDir), params.formula);
    if (method !== 'portal.up') return { formula: manifest.node };
    const name = typeof params.name === 'string' ? params.name : deps.freeName(manifest.name);
    return { formula: manifest.node, name };
  };
}
