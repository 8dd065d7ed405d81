/**
 * @module JSON-RPC 2.0 messages as the daemon and CLI exchange them: one JSON object per line over a unix
 * socket. Errors carry the error category's exit code as `code` and the stable string code, hint and
 * location in `data`, so the CLI can exit exactly as it would for a local error.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { ERROR_CODES, type ErrorCode, exitCodeOf, MvError, type SourceLocation } from '../errors/index.js';

/** The longest line either side accepts (1 MiB). */
export const MAX_LINE_BYTES = 1_048_576;

const id = z.union([z.number().int(), z.string().max(64)]);

/** A request from the CLI. */
export const REQUEST = z.strictObject({
  jsonrpc: z.literal('2.0'),
  id,
  method: z.string().max(64),
  params: z.unknown().optional(),
});

/** A progress notification the daemon sends while a request runs. */
export interface ProgressNotification {
  readonly jsonrpc: '2.0';
  readonly method: 'progress';
  readonly params: { readonly id: number | string; readonly message: string };
}

/** The error object inside a failed response. */
export interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly code: string; readonly hint?: string; readonly where?: SourceLocation };
}

/** A response line. */
export const RESPONSE = z.union([
  z.strictObject({ jsonrpc: z.literal('2.0'), id, result: z.unknown() }),
  z.strictObject({
    jsonrpc: z.literal('2.0'),
    id: id.nullable(),
    error: z.strictObject({
      code: z.number().int(),
      message: z.string(),
      data: z.strictObject({ code: z.string(), hint: z.string().optional(), where: z.unknown().optional() }),
    }),
  }),
]);

/** The wire form of an error. */
export function errorToRpc(error: MvError): RpcError {
  return {
    code: exitCodeOf(error.code),
    message: error.message,
    data: {
      code: error.code,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.where ? { where: error.where } : {}),
    },
  };
}

/** An `MvError` back from its wire form (unknown codes become `internal.bug`). */
export function errorFromRpc(error: {
  message: string;
  data: { code: string; hint?: string | undefined; where?: unknown };
}): MvError {
  const known = Object.hasOwn(ERROR_CODES, error.data.code);
  const code = (known ? error.data.code : 'internal.bug') as ErrorCode;
  return new MvError(code, error.message, {
    ...(error.data.hint ? { hint: error.data.hint } : {}),
    ...(error.data.where ? { where: error.data.where as SourceLocation } : {}),
  });
}

/** The only method that carries commands: a signed envelope (base64url of its canonical bytes). */
export const SIGNED_CALL = 'scramble.call';

/**
 * The only method answered without a signature: a probe that reveals the version, the host id and the host's
 * public key (which the CLI compares with the key the owner pinned before it signs anything for that host).
 */
export const PROBE_METHOD = 'system.version';

/** HPKE `info` strings: replies and progress are sealed to the owner, bound to the envelope's digest. */
export const SEAL_INFO = {
  reply: 'multiverse/scramble-reply/v1',
  progress: 'multiverse/scramble-progress/v1',
} as const;

/** A sealed payload on the wire. */
export const SEALED = z.strictObject({ enc: z.string(), ct: z.string() });

/**
 * What a seal holds (and what a refusal the host cannot seal is): the answer's JSON text and the host key's
 * signature over it, bound to the call (scramble/host-reply.ts).
 */
export const SIGNED_BODY = z.strictObject({ body: z.string(), hostSignature: z.string() });

/**
 * The daemon's answer to a signed call: sealed to the owner, or, when no encryption key of the owner's can
 * be used (none registered, expired, revoked), a signed refusal that carries no results.
 */
export const SIGNED_CALL_RESULT = z.union([
  z.strictObject({ sealed: SEALED }),
  z.strictObject({ refused: SIGNED_BODY }),
]);

/** What a sealed reply's body is: the result, or the error. */
export const SEALED_REPLY = z.union([
  z.strictObject({ ok: z.literal(true), result: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({
      code: z.number().int(),
      message: z.string(),
      data: z.strictObject({ code: z.string(), hint: z.string().optional(), where: z.unknown().optional() }),
    }),
  }),
]);
