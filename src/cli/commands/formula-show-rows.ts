/**
 * @module The rows of `portalgun formula show --provenance`: every leaf field with its value and the file
 * and line that set it. Loaded only when the command runs (see program.ts).
 */
import { formatLocation } from '../../errors/index.js';
import { compareText, formatPath, originOf, type ResolvedFormula } from '../../formula/index.js';

const DERIVED = new Set(['schemaVersion', 'node', 'name', 'portalName', 'lineage']);

/** Every leaf field of the settings with its value and origin (`(default)` or `file:line:column`). */
export function provenanceRows(resolved: ResolvedFormula): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    const children =
      value !== null && typeof value === 'object'
        ? Array.isArray(value)
          ? value.map((item, index) => [index, item] as const)
          : Object.entries(value).sort(([a], [b]) => compareText(a, b))
        : [];
    if (children.length > 0) {
      for (const [key, inner] of children) walk(inner, [...path, key]);
      return;
    }
    const origin = originOf(resolved.provenance, path);
    rows.push([
      formatPath(path),
      JSON.stringify(value),
      origin === 'default' ? '(default)' : formatLocation(origin),
    ]);
  };
  for (const [key, value] of Object.entries(resolved.manifest).sort(([a], [b]) => compareText(a, b))) {
    if (!DERIVED.has(key)) walk(value, [key]);
  }
  return rows;
}
