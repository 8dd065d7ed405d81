/**
 * @module Parses the target part of a policy rule: at most one bare pattern (matched against the primary
 * field of the verb) and any number of named fields (`formula=application/*`), each named once. A named field
 * must be one that every verb the rule's verb pattern can match declares (protocol/methods.ts): a rule that
 * names a field its verb does not have would never mean what it says, so it is a syntax error, not a rule
 * that silently never matches.
 * Pure: no I/O.
 */
import { POLICY_VERBS, policyFieldsOf } from '../protocol/index.js';
import { globMatches } from '../scramble/index.js';
import { checkPattern, type Report } from './_fields.js';
import type { Token } from './_tokens.js';

/** The target part of a rule. */
export interface RuleTargets {
  readonly target: string;
  readonly fields: Readonly<Record<string, string>>;
}

const FIELD_NAME = /^[a-z]+$/;

/** Parses the target tokens of a rule for `verb` (a checked pattern, or undefined); undefined after reporting. */
export function parseTargets(
  tokens: readonly Token[],
  verb: string | undefined,
  report: Report,
): RuleTargets | undefined {
  let ok = true;
  let target: string | undefined;
  const fields: Record<string, string> = {};
  for (const token of tokens) {
    const equals = token.text.indexOf('=');
    if (equals === -1) {
      if (target !== undefined) {
        ok = false;
        report(token.column, 'target', `A second bare target "${token.text}"`, BARE_HINT);
        continue;
      }
      target = checkPattern(token, 'target', report);
      ok &&= target !== undefined;
      continue;
    }
    const name = token.text.slice(0, equals);
    const pattern = checkPattern(
      { text: token.text.slice(equals + 1), column: token.column + equals + 1 },
      'target',
      report,
    );
    const problem = fieldProblem(name, verb, fields);
    if (problem !== undefined) report(token.column, 'target', problem.message, problem.hint);
    if (problem !== undefined || pattern === undefined || pattern === '') {
      if (pattern === '')
        report(token.column + equals + 1, 'target', `Empty pattern for "${name}"`, BARE_HINT);
      ok = false;
      continue;
    }
    fields[name] = pattern;
  }
  return ok ? { target: target ?? '*', fields } : undefined;
}

const BARE_HINT =
  'A rule has one bare target pattern (the verb\'s main field) and any named fields, e.g. "portal.up @owner formula=application/* name=app-* allow".';

function fieldProblem(
  name: string,
  verb: string | undefined,
  seen: Readonly<Record<string, string>>,
): { message: string; hint: string } | undefined {
  if (!FIELD_NAME.test(name)) return { message: `Invalid field name "${name}"`, hint: BARE_HINT };
  if (Object.hasOwn(seen, name)) return { message: `Field "${name}" is given twice`, hint: BARE_HINT };
  if (verb === undefined) return undefined;
  const verbs = POLICY_VERBS.filter((known) => globMatches(verb, known));
  const without = verbs.find((known) => !(policyFieldsOf(known) ?? []).includes(name));
  if (verbs.length > 0 && without === undefined) return undefined;
  const fields = without === undefined ? [] : (policyFieldsOf(without) ?? []);
  return {
    message:
      without === undefined
        ? `Field "${name}" on "${verb}", which matches no known verb`
        : `Field "${name}" is not one of ${without}'s fields`,
    hint:
      fields.length === 0
        ? `${without ?? verb} has no named fields (docs/policy.md lists each verb's): use a bare pattern.`
        : `${without}'s fields are ${fields.join(', ')} (docs/policy.md lists each verb's); narrow the verb pattern or drop the field.`,
  };
}
