/**
 * @module The audit log as text: one entry per line (JSON lines), each line ended by a newline. Reading and
 * verifying work on the text, so the same checks apply to a file read from disk and to the bytes the daemon
 * sent (`audit.read`): the caller verifies the chain itself, never trusting a verdict it was given.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import { type AnchorOptions, type AnchorVerdict, verifyAnchored } from './anchor.js';
import { AUDIT_ENTRY, type AuditEntry } from './entry.js';
import { type ChainVerdict, type VerifyChainOptions, verifyChain } from './verify.js';

/** `verifyChain`'s verdict for a log, with the line of the break and every line that is not an entry. */
export type LogVerdict = ChainVerdict & {
  /** The line (1-based) of the entry where the chain breaks, when it is in the log. */
  readonly line?: number;
  readonly damagedLines: readonly number[];
};

/** What to do about a log that cannot be continued or read; the caller must deny until it is repaired. */
export const AUDIT_REPAIR_HINT =
  'Check it with `scramble audit verify`, then move it aside; a new log starts a new chain. ' +
  'Until then no decision can be recorded, so every request must be denied.';

/** One line of the log. */
export interface LogLine {
  readonly text: string;
  /** False for a last line without its newline: a write that never finished, however well it parses. */
  readonly complete: boolean;
}

/** The lines of a log's text. */
export function splitLogLines(text: string): LogLine[] {
  if (text === '') return [];
  const lines = text.split('\n').map((line) => ({ text: line, complete: true }));
  const tail = lines.pop();
  if (tail !== undefined && tail.text !== '') lines.push({ text: tail.text, complete: false });
  return lines;
}

/** A line's entry, or undefined when it is not valid JSON of a well-formed entry. */
export function parseLogLine(line: LogLine): AuditEntry | undefined {
  if (!line.complete) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return undefined; // The caller records the line number as damaged.
  }
  const parsed = AUDIT_ENTRY.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Every entry of a log, in order; `audit.broken` names the log (`name`) and the first line that is not one. */
export function parseLogText(text: string, name: string): AuditEntry[] {
  return splitLogLines(text).map((line, index) => {
    const entry = parseLogLine(line);
    if (entry === undefined) {
      throw new MvError('audit.broken', `${name}, line ${index + 1}, is not a valid audit entry`, {
        hint: AUDIT_REPAIR_HINT,
      });
    }
    return entry;
  });
}

/** Verifies a log's text, naming the line of the first break and every damaged line. */
export function verifyLogText(text: string, options: VerifyChainOptions = {}): LogVerdict {
  const lines = readLines(text);
  if (lines.damaged !== undefined) return lines.damaged;
  return withLine(verifyChain(lines.entries, options), lines);
}

/** `verifyAnchored`'s verdict for a log, with the line of the break and every line that is not an entry. */
export type AnchoredLogVerdict = AnchorVerdict & {
  readonly line?: number;
  readonly damagedLines: readonly number[];
};

/** Verifies a log's text against the host key and a remembered head (anchor.ts), naming lines as above. */
export function verifyAnchoredText(text: string, options: AnchorOptions = {}): AnchoredLogVerdict {
  const lines = readLines(text);
  if (lines.damaged !== undefined) return lines.damaged;
  return withLine(verifyAnchored(lines.entries, options), lines);
}

interface Lines {
  readonly entries: unknown[];
  /** The line of each entry. */
  readonly lineOf: number[];
  /** The verdict when some line is not an entry. */
  readonly damaged?: Extract<LogVerdict, { ok: false }>;
}

function readLines(text: string): Lines {
  const entries: unknown[] = [];
  const lineOf: number[] = [];
  const damagedLines: number[] = [];
  splitLogLines(text).forEach((line, index) => {
    const value = parseLogLine(line);
    if (value === undefined) damagedLines.push(index + 1);
    else {
      entries.push(value);
      lineOf.push(index + 1);
    }
  });
  const [firstDamaged] = damagedLines;
  if (firstDamaged === undefined) return { entries, lineOf };
  const at = lineOf.filter((line) => line < firstDamaged).length + 1;
  const reason = `line ${firstDamaged} is not a complete audit entry`;
  return {
    entries,
    lineOf,
    damaged: { ok: false, at, problem: 'malformed', reason, line: firstDamaged, damagedLines },
  };
}

function withLine<V extends { readonly ok: boolean; readonly at?: number }>(
  verdict: V,
  lines: Lines,
): V & { readonly line?: number; readonly damagedLines: readonly number[] } {
  const line = verdict.ok || verdict.at === undefined ? undefined : lines.lineOf[verdict.at - 1];
  return { ...verdict, ...(line === undefined ? {} : { line }), damagedLines: [] };
}
