/**
 * @module Generates docs/formula.md, the formula reference, from the field table: every field with its
 * type, default, merge rule and description, the merge rules in one place, and the address plan.
 * Pure: no I/O.
 */

import { describeMerge, type FieldSpec, type MergeRule, type SectionSpec } from './_field-spec.js';
import { MAX_ALIAS_COUNT, MAX_FORMULA_BYTES, MAX_FORMULA_DEPTH } from './_yaml-limits.js';
import { ADDRESS_RANGES, cidrOf, NETWORK_NAMES, NETWORKS, PORTAL_MAC_PREFIX } from './address-plan.js';
import { FORMULA_FIELDS } from './formula-fields.js';

interface ZodDef {
  readonly type: string;
  readonly entries?: Record<string, string>;
  readonly element?: unknown;
  readonly innerType?: unknown;
  readonly options?: readonly unknown[];
  readonly values?: readonly unknown[];
}

function describeZod(schema: unknown): string {
  const def = (schema as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case 'enum':
      return Object.values(def.entries ?? {})
        .map((v) => `\`${v}\``)
        .join(' \\| ');
    case 'array':
      return `list of ${describeZod(def.element)}`;
    case 'nullable':
      return `${describeZod(def.innerType)} or \`null\``;
    case 'default':
      return describeZod(def.innerType);
    case 'union':
      return (def.options ?? []).map(describeZod).join(' or ');
    case 'literal':
      return (def.values ?? []).map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
    case 'object':
      return 'map';
    default:
      return def.type;
  }
}

function typeOf(spec: FieldSpec): string {
  if (spec.kind === 'section') return 'map';
  if (spec.kind === 'record') return 'map of name → entry';
  return describeZod(spec.schema);
}

/** Paths of the fields that follow a merge rule, for the rules table. */
function fieldsWithRule(spec: SectionSpec, rule: MergeRule, prefix = ''): string[] {
  return Object.entries(spec.fields).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    if (field.kind === 'section') return fieldsWithRule(field, rule, `${path}.`);
    if (field.kind === 'record') return [];
    const isList = describeZod(field.schema).startsWith('list');
    const matches = rule === 'replace' ? field.merge === 'replace' && isList : field.merge === rule;
    return matches ? [`\`${path}\``] : [];
  });
}

function defaultOf(spec: FieldSpec): string {
  if (spec.kind !== 'value') return '';
  return spec.hasDefault ? `\`${JSON.stringify(spec.default)}\`` : '**required**';
}

function rows(spec: SectionSpec, prefix: string): string[] {
  const out: string[] = [];
  for (const [name, field] of Object.entries(spec.fields)) {
    const path = `${prefix}${name}`;
    out.push(
      `| \`${path}\` | ${typeOf(field)} | ${defaultOf(field)} | ${describeMerge(field)} | ${field.doc} |`,
    );
    if (field.kind === 'section') out.push(...rows(field, `${path}.`));
    if (field.kind === 'record') out.push(...rows(field.value, `${path}.<name>.`));
    if (field.kind === 'value') out.push(...itemRows(field.schema, `${path}[].`));
  }
  return out;
}

/** Rows for the fields of a list whose items are maps (such as networks). */
function itemRows(schema: unknown, prefix: string): string[] {
  const def = (schema as { _zod: { def: ZodDef } })._zod.def;
  if (def.type !== 'array') return [];
  const item = (
    def.element as { _zod: { def: { type: string; shape?: Record<string, { description?: string }> } } }
  )._zod.def;
  if (item.type !== 'object') return [];
  return Object.entries(item.shape ?? {}).map(
    ([name, field]) => `| \`${prefix}${name}\` | ${describeZod(field)} | | | ${field.description ?? ''} |`,
  );
}

function mergeRules(): string {
  const list = (rule: MergeRule) => fieldsWithRule(FORMULA_FIELDS, rule).join(', ');
  return `## Inheritance and merge rules

A formula's lineage is the list of formulas applied, oldest first: the built-in defaults, then every folder
above the node (\`application\`, then \`application/browser\`, …), then the node itself. An optional
\`extends: <node>\` inserts that node's lineage after the parent's, skipping formulas already applied, so
\`cpp\` can extend \`c\` and get its packages. Every folder in the path must hold a \`formula.yaml\`
(\`abstract: true\` is enough). Cycles are refused.

Each field says how a child's value combines with the inherited one:

| rule | applies to | effect |
|---|---|---|
| replaces | every scalar, and the lists that only make sense whole: ${list('replace')} | the child's value wins |
| appended | ${list('append')} | inherited items first, then the child's; duplicates dropped |
| merged | every section (\`machine\`, \`devices\`, …) and named map (\`disks\`, \`share.subfolders\`) | key by key, recursively |
| not inherited | \`extends\`, ${list('not-inherited')} | each formula states its own |

Every resolved field remembers the file and line that set it: \`portalgun formula show <node> --provenance\`.
The manifest is canonical (sorted keys, defaults filled) and its SHA-256 covers the digest of every formula in
the lineage, so a change anywhere up the tree changes the hash of every descendant.
`;
}

function addressPlan(): string {
  const networks = NETWORK_NAMES.map(
    (name) => `| \`${name}\` | ${cidrOf(name)} | ${NETWORKS[name].purpose} |`,
  );
  const ranges = ADDRESS_RANGES.map((r) => `| .${r.from}${r.to === r.from ? '' : `–.${r.to}`} | ${r.role} |`);
  return `## Address plan

| network | subnet | what it is |
|---|---|---|
${networks.join('\n')}

| host part | role |
|---|---|
${ranges.join('\n')}

- \`router\`: the network's router (\`router: true\`). \`infrastructure\`: a router's leg on the network above it.
  \`fixed\`: controllers and services, each with its own address; two formulas claiming one is an error.
  \`application\`: handed to each application instance when it starts (\`address: dynamic\`).
- The host holds no address on any portal network.
- MACs are derived from the address: \`${PORTAL_MAC_PREFIX}\` followed by the last three octets in hex
  (10.2.2.10 → \`00:00:10:02:02:0a\`), never QEMU's \`52:54:00\`.
`;
}

/** The whole text of docs/formula.md. */
export function renderFormulaReference(): string {
  return `<!-- generated by scripts/generate-docs.ts from src/formula/formula-fields.ts; do not edit -->
# Formula reference

A formula is one YAML file per node of the formula tree: \`formulas/<class>/<...>/formula.yaml\`. The folder
path is the node path (\`application/browser/firefox\`) and gives the portal its DNS-style name
(\`firefox.browser.application.portal\`). Editors can check formulas against
[formula.schema.json](formula.schema.json): put \`# yaml-language-server: $schema=<path>/docs/formula.schema.json\`
on the first line. A formula file is at most ${MAX_FORMULA_BYTES / 1024} KiB, nests at most ${MAX_FORMULA_DEPTH} levels and
expands at most ${MAX_ALIAS_COUNT} aliases; beyond that it is refused as \`formula.too-large\` (exit 2), and a tree
without any \`formula.yaml\` as \`formula.empty-tree\`.

${mergeRules()}
## Fields

| field | type | default | merge | description |
|---|---|---|---|---|
| \`extends\` | node path | none | not inherited | Another formula node this one also inherits from, applied after its parent folder. |
${rows(FORMULA_FIELDS, '').join('\n')}

${addressPlan()}`;
}
