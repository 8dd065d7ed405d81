/**
 * @module The QMP wire format: cutting the text stream into lines, parsing each line into one tagged message
 * (greeting, return, error or event) and encoding commands. QEMU writes one JSON object per line, ending in
 * `\r\n`, in ASCII only. Validation is strict about everything the client relies on: exactly one of `QMP`,
 * `return`, `error` or `event`, the types of their members, and integer ids (this client only sends
 * integers). Members it does not know are ignored, as the QMP spec's compatibility rules require of clients.
 * Anything else is a `qmp.protocol` error.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { MvError } from '../../errors/index.js';

/** The longest line accepted from QEMU (1 MiB); a longer one means the stream is not QMP. */
export const MAX_QMP_LINE_LENGTH = 1024 * 1024;

/** The version triple and distribution package string QEMU reports. */
export interface QmpVersion {
  readonly qemu: { readonly major: number; readonly minor: number; readonly micro: number };
  readonly package: string;
}

/** The first message on every QMP connection. */
export interface QmpGreeting {
  readonly kind: 'greeting';
  readonly version: QmpVersion;
  readonly capabilities: readonly string[];
}

/** A successful reply; `id` is absent only if the command carried none. */
export interface QmpReturn {
  readonly kind: 'return';
  readonly id: number | undefined;
  readonly value: unknown;
}

/** A failed reply; `id` is absent when QEMU could not read the command at all. */
export interface QmpErrorReply {
  readonly kind: 'error';
  readonly id: number | undefined;
  readonly errorClass: string;
  readonly desc: string;
}

/** An asynchronous event; `data` is `{}` for events that carry none (STOP, RESUME). */
export interface QmpEvent {
  readonly kind: 'event';
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly timestamp: { readonly seconds: number; readonly microseconds: number };
}

/** Any message QEMU sends on a QMP socket. */
export type QmpMessage = QmpGreeting | QmpReturn | QmpErrorReply | QmpEvent;

/** The arguments object of a command. */
export type QmpArguments = Readonly<Record<string, unknown>>;

const PROTOCOL_HINT = 'Check that the socket is a QMP monitor (-qmp), not a serial console or HMP socket.';
const ID = z.int().nonnegative().optional();

/** The schema of a `QmpVersion`, shared by the greeting and `query-version`. */
export const QMP_VERSION_SCHEMA = z.object({
  qemu: z.object({ major: z.int(), minor: z.int(), micro: z.int() }),
  package: z.string(),
});
const GREETING = z.object({
  QMP: z.object({ version: QMP_VERSION_SCHEMA, capabilities: z.array(z.string()) }),
});
const RETURN = z.object({ return: z.unknown(), id: ID });
const ERROR = z.object({ error: z.object({ class: z.string(), desc: z.string() }), id: ID });
const EVENT = z.object({
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
  timestamp: z.object({ seconds: z.int(), microseconds: z.int() }),
});
const KEYS = ['QMP', 'return', 'error', 'event'] as const;

/** Cuts a text stream into lines, across chunk boundaries; throws `qmp.protocol` past the line cap. */
export class QmpLineSplitter {
  #partial = '';
  readonly #maxLength: number;

  constructor(options: { readonly maxLineLength?: number } = {}) {
    this.#maxLength = options.maxLineLength ?? MAX_QMP_LINE_LENGTH;
  }

  /** Adds a chunk and returns the lines it completed, without `\r\n`, skipping blank ones. */
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    const lines = parts.map((part) => (part.endsWith('\r') ? part.slice(0, -1) : part));
    // The unfinished tail is checked too, so a peer that never sends a newline cannot grow it without bound.
    if ([...lines, this.#partial].some((line) => line.length > this.#maxLength)) {
      throw new MvError('qmp.protocol', `QMP line longer than ${this.#maxLength} characters`, {
        hint: PROTOCOL_HINT,
      });
    }
    return lines.filter((line) => line.trim() !== '');
  }
}

/** Parses one line from QEMU into a message; throws `qmp.protocol` on anything that is not QMP. */
export function parseQmpMessage(line: string): QmpMessage {
  const value = parseJson(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError('not a JSON object', line);
  }
  const keys = KEYS.filter((key) => Object.hasOwn(value, key));
  if (keys.length !== 1) {
    throw protocolError(`expected exactly one of ${KEYS.join(', ')}; found ${keys.length}`, line);
  }
  switch (keys[0]) {
    case 'QMP': {
      const { version, capabilities } = expectQmpShape(GREETING, value, 'greeting').QMP;
      return { kind: 'greeting', version, capabilities };
    }
    case 'return': {
      const reply = expectQmpShape(RETURN, value, 'reply');
      return { kind: 'return', id: reply.id, value: reply.return };
    }
    case 'error': {
      const reply = expectQmpShape(ERROR, value, 'error reply');
      return { kind: 'error', id: reply.id, errorClass: reply.error.class, desc: reply.error.desc };
    }
    default: {
      const event = expectQmpShape(EVENT, value, 'event');
      return { kind: 'event', name: event.event, data: event.data ?? {}, timestamp: event.timestamp };
    }
  }
}

/** One command as a wire line, newline included; `arguments` is left out when there are none. */
export function encodeCommand(name: string, args: QmpArguments | undefined, id: number): string {
  const command = args === undefined ? { execute: name, id } : { execute: name, arguments: args, id };
  return `${JSON.stringify(command)}\n`;
}

/** Checks a value from QEMU against a schema; throws `qmp.protocol` naming the first mismatch. */
export function expectQmpShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new MvError('qmp.protocol', `Invalid QMP ${what}: ${path}${issue?.message ?? 'invalid'}`, {
    hint: PROTOCOL_HINT,
  });
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw protocolError('not JSON', line, cause);
  }
}

function protocolError(problem: string, line: string, cause?: unknown): MvError {
  // QEMU's output is ASCII JSON and carries no secrets; a short excerpt is what makes garbage diagnosable.
  const excerpt = line.length > 60 ? `${line.slice(0, 60)}…` : line;
  return new MvError('qmp.protocol', `Invalid QMP message (${problem}): ${JSON.stringify(excerpt)}`, {
    hint: PROTOCOL_HINT,
    ...(cause === undefined ? {} : { cause }),
  });
}
