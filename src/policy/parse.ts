/**
 * @module Reads a set of policy files (`policy.d/*.policy`) into one ordered rule list. Files are taken in
 * lexical order of name (by code unit, never locale), and rules keep their order, because the first rule
 * that matches decides. A policy with any problem yields no rules at all: `loadPolicy` throws, and the
 * caller must deny everything until the files are fixed (the qrexec rule: never run on the rules that
 * happened to parse).
 * Pure: no I/O; the host reads the files and passes their text in.
 */
import { type Diagnostic, MvError } from '../errors/index.js';
import { parsePolicyLine } from './_parse-line.js';
import type { PolicyRule } from './rule.js';

/** One policy file as read by the host: its name (as shown to people) and its text. */
export interface PolicyFile {
  readonly name: string;
  readonly text: string;
}

/** Every rule in evaluation order, and every problem found; `rules` is empty whenever `diagnostics` is not. */
export interface PolicyParseResult {
  readonly rules: readonly PolicyRule[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A policy that cannot be loaded; a denial, since while it stands every request is refused. */
export class PolicySyntaxError extends MvError {
  constructor(diagnostics: readonly Diagnostic[]) {
    const [first] = diagnostics;
    const line = first?.where.line === undefined ? '' : `:${first.where.line}`;
    const at = first === undefined ? 'policy' : `${first.where.file}${line}`;
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
    super('policy.syntax', `Cannot load policy: ${at}: ${first?.message ?? 'invalid'}${more}`, {
      hint: "Every request is denied until the policy is fixed: correct the file and line named here (every problem is in this error's diagnostics; docs/policy.md has the syntax).",
      diagnostics,
      ...(first === undefined ? {} : { where: first.where }),
    });
    this.name = 'PolicySyntaxError';
  }
}

/** Parses policy files in lexical order of name, collecting every problem with its file, line and column. */
export function parsePolicy(files: readonly PolicyFile[]): PolicyParseResult {
  const ordered = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rules: PolicyRule[] = [];
  const diagnostics: Diagnostic[] = [];
  ordered.forEach((file, index) => {
    if (ordered[index - 1]?.name === file.name) {
      diagnostics.push({
        code: 'policy.syntax',
        message: `Policy file "${file.name}" is given twice`,
        where: { file: file.name },
        hint: 'Each policy file name must be unique; the order of rules would otherwise be ambiguous.',
      });
    }
    file.text.split('\n').forEach((raw, i) => {
      // Files written on Windows end lines with CRLF; the CR is line ending, not content.
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const result = parsePolicyLine(text, { file: file.name, line: i + 1 });
      if (result.rule !== undefined) rules.push(result.rule);
      diagnostics.push(...result.diagnostics);
    });
  });
  return diagnostics.length > 0 ? { rules: [], diagnostics } : { rules, diagnostics };
}

/** The rules of a valid policy; throws `PolicySyntaxError` (deny everything) on any problem. */
export function loadPolicy(files: readonly PolicyFile[]): readonly PolicyRule[] {
  const { rules, diagnostics } = parsePolicy(files);
  if (diagnostics.length > 0) throw new PolicySyntaxError(diagnostics);
  return rules;
}
