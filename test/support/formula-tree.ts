/**
 * @module In-memory formula trees for unit tests: a map of node path → YAML text becomes formula sources.
 */
import type { FormulaSource } from '../../src/formula/index.js';

/** Formula sources from `{ 'application/console': 'yaml…' }`; file names mimic a `formulas/` tree. */
export function treeOf(files: Readonly<Record<string, string>>): FormulaSource[] {
  return Object.entries(files).map(([node, text]) => ({
    node,
    file: `formulas/${node}${node === '' ? '' : '/'}formula.yaml`,
    text,
  }));
}

/** A small valid tree: the three class roots, a star router and one application. */
export const MINIMAL_TREE: Readonly<Record<string, string>> = {
  application: 'class: application\nabstract: true\nnetworks:\n  - { network: star, address: dynamic }\n',
  'application/console': 'description: a shell\n',
  service: 'class: service\nabstract: true\n',
  'service/router': 'abstract: true\n',
  'service/router/star': 'networks:\n  - { network: star, address: 10.2.2.1, router: true }\n',
  controller: 'class: controller\nabstract: true\n',
};
