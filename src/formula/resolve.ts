/**
 * @module Resolves a whole formula tree: checks node names, parses every file, computes lineages, builds
 * and checks each manifest, then applies the cross-catalogue rules. Returns every resolved formula and
 * every diagnostic together; callers decide whether any diagnostic is fatal.
 * Pure: no I/O.
 */
import type { Diagnostic } from '../errors/index.js';
import { checkCatalogue } from './_check-catalogue.js';
import { checkManifest } from './_check-manifest.js';
import { PORTAL_CLASSES } from './formula-fields.js';
import { computeLineages } from './lineage.js';
import { buildManifest, type ResolvedFormula } from './manifest.js';
import { type FormulaSource, type ParsedFormula, parseFormula } from './parse.js';

/** A resolved catalogue: formulas by node path and everything wrong with the tree. */
export interface Catalogue {
  readonly formulas: ReadonlyMap<string, ResolvedFormula>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LABEL = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function checkNodeName(source: FormulaSource): Diagnostic | undefined {
  const where = { file: source.file, line: 1, column: 1 };
  if (source.node === '') {
    return {
      code: 'formula.misplaced',
      message: 'The root of the formula tree holds no formula',
      where,
      hint: `Put formulas under one of the class folders: ${PORTAL_CLASSES.join(', ')}.`,
    };
  }
  const [top] = source.node.split('/');
  if (!PORTAL_CLASSES.includes(top as (typeof PORTAL_CLASSES)[number])) {
    return {
      code: 'formula.unknown-class',
      message: `Top folder "${top}" is not a portal class`,
      where,
      hint: `The first folder of every node is its class: ${PORTAL_CLASSES.join(', ')}.`,
    };
  }
  const bad = source.node.split('/').find((label) => !LABEL.test(label));
  if (bad !== undefined || source.node.length > 240) {
    return {
      code: 'formula.bad-node-name',
      message: `Folder name "${bad ?? source.node}" cannot be part of a portal's DNS name`,
      where,
      hint: 'Use lower-case letters, digits and inner "-" (at most 63 characters), starting with a letter.',
    };
  }
  return undefined;
}

/** Drops repeats: a problem in a shared parent is reported once, not once per descendant. */
function unique(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.message, d.where]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Resolves every formula in a tree. */
export function resolveCatalogue(sources: readonly FormulaSource[]): Catalogue {
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, ParsedFormula>();
  for (const source of [...sources].sort((a, b) => compareText(a.node, b.node))) {
    const nameProblem = checkNodeName(source);
    if (nameProblem) {
      diagnostics.push(nameProblem);
      continue;
    }
    const result = parseFormula(source);
    diagnostics.push(...result.diagnostics);
    if (result.formula) parsed.set(source.node, result.formula);
  }
  const { lineages, diagnostics: lineageProblems } = computeLineages(parsed);
  diagnostics.push(...lineageProblems);
  const formulas = new Map<string, ResolvedFormula>();
  for (const [node, lineage] of [...lineages].sort(([a], [b]) => compareText(a, b))) {
    const built = buildManifest(lineage, parsed);
    diagnostics.push(...built.diagnostics);
    if (!built.resolved) continue;
    diagnostics.push(...checkManifest(built.resolved));
    formulas.set(node, built.resolved);
  }
  diagnostics.push(...checkCatalogue([...formulas.values()]));
  return { formulas, diagnostics: unique(diagnostics) };
}
