/**
 * @module Renders errors and diagnostics for people (one line each, `file:line:column: path: message`)
 * and for scripts (`{"error":{code,message,hint,where,diagnostics}}`). Never includes stack traces.
 * Pure: no I/O.
 */
import type { Diagnostic, MvError, SourceLocation } from './mv-error.js';

/** `file:line:column` (with whatever parts are known). */
export function formatLocation(where: SourceLocation): string {
  const parts = [where.file];
  if (where.line !== undefined) parts.push(String(where.line));
  if (where.line !== undefined && where.column !== undefined) parts.push(String(where.column));
  return parts.join(':');
}

/** One diagnostic as a human line plus an indented hint line. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const field = diagnostic.where.path ? `${diagnostic.where.path}: ` : '';
  const head = `${formatLocation(diagnostic.where)}: ${field}${diagnostic.message} [${diagnostic.code}]`;
  return diagnostic.hint ? `${head}\n  hint: ${diagnostic.hint}` : head;
}

/** An error as the text the CLI prints on stderr. */
export function formatErrorText(error: MvError): string {
  if (error.diagnostics.length > 0) {
    const count = error.diagnostics.length;
    const lines = error.diagnostics.map(formatDiagnostic);
    return `error: ${count} problem${count === 1 ? '' : 's'} found\n${lines.join('\n')}`;
  }
  const where = error.where ? `${formatLocation(error.where)}: ` : '';
  const head = `error: ${where}${error.message} [${error.code}]`;
  return error.hint ? `${head}\n  hint: ${error.hint}` : head;
}

/** The JSON shape of an error for `--json` output. */
export interface ErrorJson {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
    readonly where?: SourceLocation;
    readonly diagnostics?: readonly Diagnostic[];
  };
}

/** An error as the object `--json` prints on stdout. */
export function errorToJson(error: MvError): ErrorJson {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.where === undefined ? {} : { where: error.where }),
      ...(error.diagnostics.length === 0 ? {} : { diagnostics: error.diagnostics }),
    },
  };
}
