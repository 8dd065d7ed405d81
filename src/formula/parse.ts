/**
 * @module Turns one formula file's text into validated data that remembers where every field came from.
 * Collects every problem (YAML syntax, unknown fields, wrong types) as diagnostics instead of stopping at
 * the first one.
 * Pure: no I/O.
 */
import { isMap, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
import { digestJson } from '../digest/index.js';
import type { Diagnostic, ErrorCode } from '../errors/index.js';
import { closestMatch, descriptionAt, knownKeysAt } from './_schema-walk.js';
import { depthProblem, limitDiagnostic, MAX_ALIAS_COUNT, sizeProblem } from './_yaml-limits.js';
import { FORMULA_DOC_SCHEMA, type FormulaDocData } from './schema.js';
import { type FieldPath, formatPath, type LocatableDocument, locate } from './yaml-locate.js';

/** The text of one formula file, as read from the tree. */
export interface FormulaSource {
  /** Tree path of the node, e.g. `application/browser/firefox`. */
  readonly node: string;
  /** The file's name as shown to people, e.g. `formulas/application/browser/firefox/formula.yaml`. */
  readonly file: string;
  readonly text: string;
}

/** A formula file after parsing and validation. */
export interface ParsedFormula extends LocatableDocument {
  readonly node: string;
  readonly file: string;
  readonly data: FormulaDocData;
  /** Digest of the validated content (comments and formatting do not count). */
  readonly digest: string;
}

/** The outcome of parsing one file: the formula when it is valid, and every problem found. */
export interface ParseResult {
  readonly formula?: ParsedFormula;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and validates one formula file. */
export function parseFormula(source: FormulaSource): ParseResult {
  const tooBig = sizeProblem(new TextEncoder().encode(source.text).byteLength);
  if (tooBig) return { diagnostics: [limitDiagnostic(source.file, tooBig)] };
  const lines = new LineCounter();
  const yaml = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const located: LocatableDocument = { yaml, lines };
  if (yaml.errors.length > 0) {
    const firstPerPosition = yaml.errors.filter(
      (error, i) => yaml.errors.findIndex((e) => e.pos[0] === error.pos[0]) === i,
    );
    return {
      diagnostics: firstPerPosition.map((error) => {
        const position = lines.linePos(error.pos[0]);
        const at = { line: position.line, column: position.col };
        // The parser gives up on input nested beyond its stack: a limit, not a typo.
        if (error.code === 'RESOURCE_EXHAUSTION')
          return limitDiagnostic(source.file, 'The YAML nests too deeply to parse', at);
        return {
          code: 'formula.syntax',
          message: `YAML syntax error: ${firstLine(error.message)}`,
          where: { file: source.file, ...at },
          hint: 'Fix the YAML at this position; formulas are YAML 1.2 maps.',
        } satisfies Diagnostic;
      }),
    };
  }
  const tooDeep = depthProblem(yaml.contents);
  if (tooDeep) return { diagnostics: [limitDiagnostic(source.file, tooDeep)] };
  const data = toData(located);
  if (!data.ok) return { diagnostics: [limitDiagnostic(source.file, data.problem)] };
  if (yaml.contents !== null && !isMap(yaml.contents)) {
    return {
      diagnostics: [
        at(source, located, [], 'formula.invalid-value', 'A formula must be a YAML map of fields', {
          hint: 'Start the file with fields such as "class: application"; see docs/formula.md.',
        }),
      ],
    };
  }
  const result = FORMULA_DOC_SCHEMA.safeParse(data.value ?? {});
  if (!result.success) {
    return {
      diagnostics: result.error.issues.flatMap((issue) =>
        diagnosticsOfIssue(source, located, issue, data.value),
      ),
    };
  }
  return {
    formula: {
      ...located,
      node: source.node,
      file: source.file,
      data: result.data,
      digest: digestJson(result.data),
    },
    diagnostics: [],
  };
}

/** The value at a path of plain data, or undefined when any step is missing. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/**
 * The document as plain data. The yaml package throws (a ReferenceError) when aliases expand more often than
 * allowed, which is how an alias bomb shows up: that is refused input, not a crash.
 */
function toData(located: LocatableDocument): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: located.yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `The YAML's aliases expand too far (${reason})` };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function at(
  source: { file: string },
  located: LocatableDocument,
  path: FieldPath,
  code: ErrorCode,
  message: string,
  options: { key?: boolean; hint?: string } = {},
): Diagnostic {
  const position = locate(located, path, options);
  const fieldPath = formatPath(path);
  return {
    code,
    message,
    where: { file: source.file, ...position, ...(fieldPath === '' ? {} : { path: fieldPath }) },
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  };
}

function diagnosticsOfIssue(
  source: FormulaSource,
  located: LocatableDocument,
  issue: z.core.$ZodIssue,
  yaml: unknown,
): Diagnostic[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(FORMULA_DOC_SCHEMA, path);
    return issue.keys.map((key) => {
      const guess = closestMatch(key, known);
      const hint = `${guess ? `Did you mean "${guess}"? ` : ''}Fields allowed here: ${known.join(', ')}.`;
      return at(source, located, [...path, key], 'formula.unknown-field', `Unknown field "${key}"`, {
        key: true,
        hint,
      });
    });
  }
  const missing = valueAt(yaml, path) === undefined;
  const description = descriptionAt(FORMULA_DOC_SCHEMA, path);
  return [
    at(
      source,
      located,
      path,
      missing ? 'formula.missing-field' : 'formula.invalid-value',
      missing ? 'Required field is missing' : issue.message,
      {
        ...(description === undefined ? {} : { hint: `${formatPath(path)}: ${description}` }),
      },
    ),
  ];
}
