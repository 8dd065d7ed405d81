/**
 * @module Works out each node's lineage: the ordered list of formulas it inherits from. The tree is the
 * lineage (every folder above a node is applied first); an `extends:` adds another node's lineage after the
 * parent's, skipping formulas already applied. Reports missing parents, missing `extends` targets and cycles.
 * Pure: no I/O.
 */
import type { Diagnostic } from '../errors/index.js';
import type { ParsedFormula } from './parse.js';
import { formatPath, locate } from './yaml-locate.js';

/** The parent folder's node path, or undefined for a class folder. */
export function parentOf(node: string): string | undefined {
  const cut = node.lastIndexOf('/');
  return cut < 0 ? undefined : node.slice(0, cut);
}

/** Lineages by node; nodes that cannot be resolved are absent and have a diagnostic. */
export interface LineageResult {
  readonly lineages: ReadonlyMap<string, readonly string[]>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Computes the lineage of every formula. */
export function computeLineages(formulas: ReadonlyMap<string, ParsedFormula>): LineageResult {
  const lineages = new Map<string, readonly string[]>();
  const failed = new Set<string>();
  const diagnostics: Diagnostic[] = [];

  const visit = (node: string, stack: readonly string[]): readonly string[] | undefined => {
    const known = lineages.get(node);
    if (known) return known;
    if (failed.has(node)) return undefined;
    const formula = formulas.get(node);
    if (!formula) return undefined;
    const fail = (diagnostic?: Diagnostic): undefined => {
      failed.add(node);
      if (diagnostic) diagnostics.push(diagnostic);
      return undefined;
    };
    const parent = parentOf(node);
    let lineage: string[] = [];
    if (parent !== undefined) {
      if (!formulas.has(parent)) return fail(missingParent(formula, parent));
      const inherited = visit(parent, [...stack, node]);
      if (!inherited) return fail();
      lineage = [...inherited];
    }
    const target = formula.data.extends;
    if (target !== undefined) {
      if (target === node || stack.includes(target)) return fail(cycle(formula, [...stack, node, target]));
      if (!formulas.has(target)) return fail(missingExtends(formula, target));
      const extended = visit(target, [...stack, node]);
      if (!extended) return fail();
      for (const entry of extended) if (!lineage.includes(entry)) lineage.push(entry);
    }
    if (lineage.includes(node)) return fail(cycle(formula, [...stack, node]));
    lineage.push(node);
    lineages.set(node, lineage);
    return lineage;
  };

  for (const node of [...formulas.keys()].sort()) visit(node, []);
  return { lineages, diagnostics };
}

function missingParent(formula: ParsedFormula, parent: string): Diagnostic {
  return {
    code: 'formula.missing-parent',
    message: `Cannot resolve formula "${formula.node}": parent "${parent}" has no formula.yaml`,
    where: { file: formula.file, line: 1, column: 1 },
    hint: `Every folder above a formula is part of its lineage: create ${parent}/formula.yaml (it may hold only "abstract: true").`,
  };
}

function missingExtends(formula: ParsedFormula, target: string): Diagnostic {
  return {
    code: 'formula.missing-extends',
    message: `Cannot resolve formula "${formula.node}": extends "${target}", which does not exist`,
    where: { file: formula.file, ...locate(formula, ['extends']), path: formatPath(['extends']) },
    hint: 'Name an existing node path such as application/browser/firefox, or remove "extends".',
  };
}

function cycle(formula: ParsedFormula, chain: readonly string[]): Diagnostic {
  const start = chain.indexOf(chain.at(-1) ?? '');
  const loop = chain.slice(start === chain.length - 1 ? 0 : start).join(' → ');
  return {
    code: 'formula.cycle',
    message: `Cannot resolve formula "${formula.node}": inheritance cycle ${loop}`,
    where: { file: formula.file, ...locate(formula, ['extends']), path: formatPath(['extends']) },
    hint: 'Remove one "extends" in the cycle; a formula cannot inherit from itself or its own descendants.',
  };
}
