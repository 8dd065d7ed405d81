/**
 * @module Public surface of the error domain: codes, the `MvError` class, diagnostics and their formatting.
 * Pure: no I/O.
 */
export {
  categoryOf,
  ERROR_CODES,
  type ErrorCategory,
  type ErrorCode,
  EXIT_CODES,
  exitCodeOf,
} from './codes.js';
export { type ErrorJson, errorToJson, formatDiagnostic, formatErrorText, formatLocation } from './format.js';
export {
  asMvError,
  type Diagnostic,
  errorFromDiagnostics,
  MvError,
  type MvErrorOptions,
  type SourceLocation,
} from './mv-error.js';
