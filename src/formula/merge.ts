/**
 * @module Merges a lineage of formula layers into one settings object, field by field, following each
 * field's merge rule from the table, and records which file set every value (provenance).
 * Pure: no I/O.
 */
import { canonicalJson } from '../digest/index.js';
import type { SourceLocation } from '../errors/index.js';
import { defaultsOf, type SectionSpec } from './_field-spec.js';
import { FORMULA_FIELDS } from './formula-fields.js';
import { builtInDefaults } from './schema.js';
import { type FieldPath, formatPath, type LocatableDocument, locate } from './yaml-locate.js';

/** One formula applied during a merge. */
export interface Layer extends LocatableDocument {
  readonly file: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** True for the formula being resolved; fields that are not inherited apply only from it. */
  readonly own: boolean;
}

/** Where a resolved value was set: a place in a formula file, or the built-in default. */
export type Origin = SourceLocation | 'default';

/** Field path (as `formatPath` writes it) → the place that set it. Paths not listed inherit their parent's. */
export type Provenance = ReadonlyMap<string, Origin>;

/** Merged settings and where each came from. */
export interface MergeResult {
  readonly settings: Record<string, unknown>;
  readonly provenance: Provenance;
}

type Mutable = Record<string, unknown>;

/** Applies the built-in defaults and then each layer in order. */
export function mergeLayers(layers: readonly Layer[]): MergeResult {
  const settings = builtInDefaults();
  const provenance = new Map<string, Origin>();
  for (const layer of layers)
    mergeSection(FORMULA_FIELDS, settings, layer.data, { layer, provenance, path: [] });
  return { settings, provenance };
}

interface MergeContext {
  readonly layer: Layer;
  readonly provenance: Map<string, Origin>;
  readonly path: FieldPath;
}

function originIn(layer: Layer, path: FieldPath): Origin {
  return { file: layer.file, ...locate(layer, path), path: formatPath(path) };
}

function mergeSection(
  spec: SectionSpec,
  target: Mutable,
  source: Readonly<Mutable>,
  context: MergeContext,
): void {
  for (const [name, field] of Object.entries(spec.fields)) {
    if (!(name in source) || source[name] === undefined) continue;
    const incoming = source[name];
    const path = [...context.path, name];
    const inner = { ...context, path };
    if (field.kind === 'section') {
      mergeSection(field, target[name] as Mutable, incoming as Mutable, inner);
    } else if (field.kind === 'record') {
      const entries = target[name] as Record<string, Mutable>;
      for (const [key, entry] of Object.entries(incoming as Record<string, Mutable>)) {
        const entryPath = [...path, key];
        if (!(key in entries)) {
          entries[key] = defaultsOf(field.value);
          context.provenance.set(formatPath(entryPath), originIn(context.layer, entryPath));
          for (const name of Object.keys(entries[key] as Mutable)) {
            context.provenance.set(formatPath([...entryPath, name]), 'default');
          }
        }
        mergeSection(field.value, entries[key] as Mutable, entry, { ...inner, path: entryPath });
      }
    } else if (field.merge === 'append') {
      appendItems(target, name, incoming as readonly unknown[], inner);
    } else if (field.merge === 'replace' || context.layer.own) {
      target[name] = structuredClone(incoming);
      forgetBelow(context.provenance, formatPath(path));
      recordAll(incoming, inner);
    }
  }
}

function appendItems(target: Mutable, name: string, items: readonly unknown[], context: MergeContext): void {
  const list = target[name] as unknown[];
  const seen = new Set(list.map((item) => canonicalJson(item)));
  for (const [index, item] of items.entries()) {
    const key = canonicalJson(item);
    if (seen.has(key)) continue;
    seen.add(key);
    list.push(structuredClone(item));
    context.provenance.set(
      formatPath([...context.path, list.length - 1]),
      originIn(context.layer, [...context.path, index]),
    );
  }
}

/** Records the origin of a value and of everything inside it (list items, their fields). */
function recordAll(value: unknown, context: MergeContext): void {
  context.provenance.set(formatPath(context.path), originIn(context.layer, context.path));
  if (value === null || typeof value !== 'object') return;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  for (const [key, inner] of entries) recordAll(inner, { ...context, path: [...context.path, key] });
}

function forgetBelow(provenance: Map<string, Origin>, prefix: string): void {
  for (const key of provenance.keys()) {
    if (key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`)) provenance.delete(key);
  }
}

/** The origin of a field: its own entry, or the nearest enclosing one, or the built-in default. */
export function originOf(provenance: Provenance, path: FieldPath): Origin {
  for (let length = path.length; length > 0; length--) {
    const origin = provenance.get(formatPath(path.slice(0, length)));
    if (origin !== undefined) return origin;
  }
  return 'default';
}
