/**
 * @module The machinery behind the formula field table: every field is declared once with its zod type,
 * default, merge rule and description, and from that one declaration come the schema of a formula file
 * (every field optional, unknown fields refused), the schema of a resolved manifest (every field present),
 * the built-in defaults layer, the merge behaviour and the generated reference docs.
 * Pure: no I/O.
 */
import * as z from 'zod';

/**
 * How a child's value combines with what it inherits:
 * - `replace`: the child's value wins (scalars, and lists that are a whole, such as networks);
 * - `append`: inherited items first, then the child's, duplicates dropped (packages, verbs);
 * - `not-inherited`: each formula states it for itself; the default applies otherwise (abstract).
 * Sections and records always merge key by key.
 */
export type MergeRule = 'replace' | 'append' | 'not-inherited';

/** A leaf field: one zod type, its default (absent = required) and how it merges. */
export interface ValueSpec<S extends z.ZodType = z.ZodType> {
  readonly kind: 'value';
  readonly schema: S;
  readonly merge: MergeRule;
  readonly hasDefault: boolean;
  readonly default: z.output<S> | undefined;
  readonly doc: string;
}

/** A group of named fields (a YAML map with a fixed set of keys). */
export interface SectionSpec<F extends Fields = Fields> {
  readonly kind: 'section';
  readonly fields: F;
  readonly doc: string;
}

/** A map from user-chosen names to entries of one shape (disks by name, share subfolders by name). */
export interface RecordSpec<V extends SectionSpec = SectionSpec> {
  readonly kind: 'record';
  readonly key: z.ZodString;
  readonly value: V;
  readonly doc: string;
}

/** Any field declaration. */
export type FieldSpec = ValueSpec | SectionSpec | RecordSpec;

/** The fields of a section. */
export type Fields = { readonly [name: string]: FieldSpec };

/** The resolved (manifest) type of a field declaration. */
export type Resolved<S> =
  S extends ValueSpec<infer Z>
    ? z.output<Z>
    : S extends SectionSpec<infer F>
      ? { -readonly [K in keyof F]: Resolved<F[K]> }
      : S extends RecordSpec<infer V>
        ? Record<string, Resolved<V>>
        : never;

interface ValueOptions<S extends z.ZodType> {
  readonly doc: string;
  readonly merge?: MergeRule;
  readonly default?: z.output<S>;
}

/** Declares a leaf field. Without `default` the field is required in every resolved manifest. */
export function value<S extends z.ZodType>(schema: S, options: ValueOptions<S>): ValueSpec<S> {
  return {
    kind: 'value',
    schema,
    merge: options.merge ?? 'replace',
    hasDefault: 'default' in options,
    default: options.default,
    doc: options.doc,
  };
}

/** Declares a section of fixed keys. */
export function section<F extends Fields>(doc: string, fields: F): SectionSpec<F> {
  return { kind: 'section', fields, doc };
}

/** Declares a map of named entries. */
export function record<V extends SectionSpec>(doc: string, key: z.ZodString, entry: V): RecordSpec<V> {
  return { kind: 'record', key, value: entry, doc };
}

/** One-line summary of a field's merge behaviour, used in descriptions and docs. */
export function describeMerge(spec: FieldSpec): string {
  if (spec.kind === 'section') return 'merged key by key';
  if (spec.kind === 'record') return 'merged by entry name, each entry key by key';
  if (spec.merge === 'append') return 'appended to the inherited list, duplicates dropped';
  if (spec.merge === 'not-inherited') return 'not inherited: each formula states its own';
  return 'replaces the inherited value';
}

function describeDefault(spec: ValueSpec): string {
  return spec.hasDefault ? `default ${JSON.stringify(spec.default)}` : 'required';
}

function valueDescription(spec: ValueSpec): string {
  return `${spec.doc} (${describeMerge(spec)}; ${describeDefault(spec)})`;
}

/** The zod object of a section as written in a formula file: every key optional, unknown keys refused. */
export function docObjectOf(spec: SectionSpec): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(spec.fields)) shape[name] = docSchemaOf(field).optional();
  return z.strictObject(shape).describe(spec.doc);
}

function docSchemaOf(spec: FieldSpec): z.ZodType {
  if (spec.kind === 'value') return spec.schema.describe(valueDescription(spec));
  if (spec.kind === 'record') return z.record(spec.key, docObjectOf(spec.value)).describe(spec.doc);
  return docObjectOf(spec);
}

/** The zod schema of this field in a resolved manifest: every field present. */
export function manifestSchemaOf(spec: FieldSpec): z.ZodType {
  if (spec.kind === 'value') return spec.schema;
  if (spec.kind === 'record') return z.record(spec.key, manifestSchemaOf(spec.value));
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(spec.fields)) shape[name] = manifestSchemaOf(field);
  return z.strictObject(shape);
}

/** The built-in defaults of a section (fields without a default are left out). */
export function defaultsOf(spec: SectionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    if (field.kind === 'section') out[name] = defaultsOf(field);
    else if (field.kind === 'record') out[name] = {};
    else if (field.hasDefault) out[name] = structuredClone(field.default);
  }
  return out;
}
