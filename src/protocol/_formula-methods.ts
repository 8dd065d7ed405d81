/**
 * @module The daemon's formula method: the tree it boots from, as the files it read (node path and exact
 * text) with their digest, so a CLI resolves the same bytes with the same pure code (formula/resolve.ts) and
 * never has to read the daemon's folder itself. Files rather than resolved manifests: the CLI's formula
 * commands need the parsed formulas and their diagnostics too, and the digest over the files is the one the
 * version probe already reports.
 * Pure: no I/O.
 */
import * as z from 'zod';

const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<hex> digest');

/** The formula methods of the daemon API. */
export const FORMULA_METHODS = {
  'formula.tree': {
    target: [],
    // Read, not resolved: only the errors of reading the folder and its files.
    errors: ['formula.tree-not-found', 'formula.empty-tree', 'formula.read-failed', 'formula.too-large'],
    params: z.strictObject({}),
    /**
     * The tree as the daemon read it for this call: its folder (absolute), every `formula.yaml` by node path
     * (the folder under the root) with its text, and `digestFormulaSources` of those files.
     */
    result: z.strictObject({
      dir: z.string(),
      digest: DIGEST,
      files: z.array(z.strictObject({ node: z.string(), text: z.string() })),
    }),
  },
} as const;
