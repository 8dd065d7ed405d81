/**
 * @module The JSON Schema of a formula file, generated from the zod schema, so editors can complete and
 * check formulas (`# yaml-language-server: $schema=...`).
 * Pure: no I/O.
 */
import * as z from 'zod';
import { FORMULA_DOC_SCHEMA } from './schema.js';

/** Where the generated schema is published in the repository. */
export const FORMULA_SCHEMA_ID = 'https://multiverse-os.org/schemas/formula.schema.json';

/** The JSON Schema (draft 2020-12) of one formula file. */
export function renderFormulaJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(FORMULA_DOC_SCHEMA, { target: 'draft-2020-12', io: 'input' });
  return { ...schema, $id: FORMULA_SCHEMA_ID, title: 'Multiverse portal formula' };
}
