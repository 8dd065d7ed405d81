/**
 * @module The one error class of the project. Operations throw `MvError`; validation collects `Diagnostic`s
 * and throws a single `MvError` carrying all of them when the caller wants an exception.
 * Messages are for people and never contain secrets (keys, passphrases, envelope bodies).
 * Pure: no I/O.
 */
import type { ErrorCode } from './codes.js';

/** Where in a source file something went wrong; `path` is the field path such as `machine.memory`. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
}

/** One finding from validation: a code, a message, where it is and what to do about it. */
export interface Diagnostic {
  readonly code: ErrorCode;
  readonly message: string;
  readonly where: SourceLocation;
  readonly hint?: string;
}

/** Options for an `MvError` besides its code and message. */
export interface MvErrorOptions {
  readonly hint?: string;
  readonly where?: SourceLocation;
  readonly diagnostics?: readonly Diagnostic[];
  readonly cause?: unknown;
}

/** The project's single error type: a stable code, a user-facing message, a hint and a location. */
export class MvError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly where: SourceLocation | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: ErrorCode, message: string, options: MvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MvError';
    this.code = code;
    this.hint = options.hint;
    this.where = options.where;
    this.diagnostics = options.diagnostics ?? [];
  }
}

/** Turns a non-empty list of diagnostics into one error whose headline is the first diagnostic. */
export function errorFromDiagnostics(diagnostics: readonly Diagnostic[]): MvError {
  const [first] = diagnostics;
  if (first === undefined) {
    return new MvError('internal.bug', 'errorFromDiagnostics called without diagnostics (please report)');
  }
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return new MvError(first.code, `${first.message}${more}`, {
    where: first.where,
    diagnostics,
    ...(first.hint === undefined ? {} : { hint: first.hint }),
  });
}

/**
 * Any thrown value as an MvError: itself, or `internal.bug` for anything else (a bug: no code was decided for
 * it), keeping the original as the cause for logs.
 */
export function asMvError(error: unknown): MvError {
  if (error instanceof MvError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MvError('internal.bug', `Unexpected failure: ${message} (please report)`, { cause: error });
}
