/**
 * @module Parses one policy line into a rule, collecting every problem on the line instead of stopping at
 * the first, so one error can name them all at once.
 * Pure: no I/O.
 */
import type { Diagnostic } from '../errors/index.js';
import { checkPattern, parseAction, parseSource, type Report } from './_fields.js';
import { parseTargets } from './_targets.js';
import { endColumn, type Token, tokenizeLine } from './_tokens.js';
import { parseOptions } from './options.js';
import type { PolicyRule } from './rule.js';

/** Where a line comes from. */
export interface LineOrigin {
  readonly file: string;
  readonly line: number;
}

/** A rule when the line holds a valid one, and the line's problems. */
export interface LineResult {
  readonly rule?: PolicyRule;
  readonly diagnostics: readonly Diagnostic[];
}

const FIELDS = ['verb', 'source', 'target', 'action'] as const;
const SHAPE =
  '<verb-pattern> <source> <target-pattern|field=pattern ...> allow|deny [rate=N/s|N/m|N/h] [burst=N] [max-inflight=N]';

/** Parses one line of a policy file; blank and comment-only lines give neither rule nor problem. */
export function parsePolicyLine(text: string, origin: LineOrigin): LineResult {
  const tokens = tokenizeLine(text);
  if (tokens.length === 0) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const report: Report = (column, field, message, hint) => {
    diagnostics.push({
      code: 'policy.syntax',
      message,
      where: { file: origin.file, line: origin.line, column, path: field },
      hint,
    });
  };
  // The action is the first allow or deny after at least one target; without one, the fourth token is taken
  // as the action, so a misspelt action is reported as such.
  const found = tokens.findIndex((token, i) => i >= 3 && (token.text === 'allow' || token.text === 'deny'));
  const actionIndex = found === -1 ? 3 : found;
  const [verbToken, sourceToken] = tokens;
  const targetTokens = tokens.slice(2, actionIndex);
  const actionToken = tokens[actionIndex];
  const optionTokens = tokens.slice(actionIndex + 1);
  const missing = FIELDS.find((_, i) => tokens[i] === undefined);
  if (missing !== undefined) {
    report(endColumn(tokens), missing, `Missing ${missing}: a rule has four fields`, `Write: ${SHAPE}`);
  }
  const verb = verbToken && checkPattern(verbToken, 'verb', report);
  const source = sourceToken && parseSource(sourceToken, report);
  const targets = targetTokens.length > 0 ? parseTargets(targetTokens, verb, report) : undefined;
  const action = actionToken && parseAction(actionToken, report);
  const options = parseOptions(optionTokens, { action, report });
  if (diagnostics.length > 0 || !verb || !source || !targets || !action || !options) return { diagnostics };
  return {
    rule: {
      verb,
      source,
      ...targets,
      action,
      ...options,
      where: { file: origin.file, line: origin.line, column: 1 },
      text: ruleText(tokens),
    },
    diagnostics,
  };
}

function ruleText(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join(' ');
}
