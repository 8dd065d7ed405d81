/**
 * @module The schemas derived from the field table: what a formula file may contain (`FORMULA_DOC_SCHEMA`)
 * and what a resolved manifest always contains (`MANIFEST_SCHEMA`), with their TypeScript types.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { defaultsOf, docObjectOf, manifestSchemaOf, type Resolved } from './_field-spec.js';
import { FORMULA_FIELDS } from './formula-fields.js';

/** A formula node path such as `application/browser/firefox`. */
export const NODE_PATH = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/,
    'must be a formula node path such as application/browser/firefox',
  );

/** The schema of one formula file: every field optional, unknown fields refused. */
export const FORMULA_DOC_SCHEMA = z
  .strictObject({
    ...docObjectOf(FORMULA_FIELDS).shape,
    extends: NODE_PATH.describe(
      'Another formula node this one also inherits from, applied after its parent folder (not inherited).',
    ).optional(),
  })
  .describe('A Multiverse portal formula: one node of the formula tree (formulas/<class>/.../formula.yaml).');

/** A formula file's content after validation. */
export type FormulaDocData = z.output<typeof FORMULA_DOC_SCHEMA>;

/** Every setting of a resolved formula (the table's fields, all present). */
export type FormulaSettings = Resolved<typeof FORMULA_FIELDS>;

/** One network attachment of a resolved formula. */
export type NetworkAttachment = FormulaSettings['networks'][number];

/** One formula of a portal's lineage and the digest of its validated content. */
export interface LineageEntry {
  readonly node: string;
  readonly digest: string;
}

/** Fields of a manifest that resolution derives and no formula may set. */
export interface DerivedFields {
  /** Manifest format version. */
  readonly schemaVersion: 1;
  /** Tree path of the formula, e.g. `application/browser/firefox`. */
  readonly node: string;
  /** Last segment of the node path, e.g. `firefox`. */
  readonly name: string;
  /** DNS-style portal name, e.g. `firefox.browser.application.portal`. */
  readonly portalName: string;
  /** Every formula applied, in order, with the digest of each. */
  readonly lineage: readonly LineageEntry[];
}

/** A fully explicit, resolved portal formula: defaults filled in, nothing left to inherit. */
export type Manifest = FormulaSettings & DerivedFields;

const derivedShape = {
  schemaVersion: z.literal(1),
  node: NODE_PATH,
  name: z.string(),
  portalName: z.string(),
  lineage: z.array(z.strictObject({ node: NODE_PATH, digest: z.string() })),
};

/** The schema every resolved manifest satisfies. */
export const MANIFEST_SCHEMA = z.strictObject({
  ...(manifestSchemaOf(FORMULA_FIELDS) as z.ZodObject).shape,
  ...derivedShape,
}) as unknown as z.ZodType<Manifest>;

/** The built-in defaults, applied before the first formula of every lineage. */
export function builtInDefaults(): Record<string, unknown> {
  return defaultsOf(FORMULA_FIELDS);
}
