/**
 * @module The CLI's only way to the daemon. Every call but the version probe is a signed envelope: made
 * with the user's session key (from `$SCRAMBLE_HOME`), addressed to the host the owner pinned (the probe
 * names it; a host not pinned, or answering with another key, is refused: host-check.ts), with a fresh nonce
 * and a rising sequence number; the sealed reply and progress are opened with the user's encryption key,
 * their host signature checked against the pinned key (bound to this envelope), and the result and any error
 * code checked against the method table. A refusal the host could not seal must carry its signature too.
 */
import type { Socket } from 'node:net';
import { MvError } from '../errors/index.js';
import { DEFAULT_DIRS, socketPathIn } from '../instance/index.js';
import {
  errorFromRpc,
  isDeclaredError,
  METHODS,
  type MethodName,
  type MethodParamsInput,
  type MethodResult,
  PROBE_METHOD,
  SEAL_INFO,
  SEALED,
  SEALED_REPLY,
  SIGNED_BODY,
  SIGNED_CALL,
  SIGNED_CALL_RESULT,
} from '../protocol/index.js';
import { loadSession, osRandom } from '../scramble/host/index.js';
import {
  draftEnvelope,
  envelopeDigest,
  type JsonValue,
  openSealed,
  type SignedHostReply,
  signEnvelope,
  verifyHostReply,
} from '../scramble/index.js';
import { type TrustedHost, trustedHost, unsignedAnswer } from './host-check.js';
import { rpcCall } from './rpc-connection.js';

/** The daemon's run folder: `--run`, else `$PORTALGUN_RUN`, else /run/multiverse. */
export function daemonRunDir(runDir: string | undefined): string {
  return runDir ?? process.env.PORTALGUN_RUN ?? DEFAULT_DIRS.runRoot;
}

/** The daemon socket: `$PORTALGUN_RUN/portalgun.sock`, by default /run/multiverse/portalgun.sock. */
export function daemonSocketPath(runDir: string | undefined): string {
  return socketPathIn(daemonRunDir(runDir));
}

/** Options of one call. */
export interface CallOptions {
  readonly socketPath: string;
  readonly onProgress?: (message: string) => void;
  /** Called with the raw socket after a successful reply, for methods that take the connection over. */
  readonly onTakeOver?: (socket: Socket) => void;
}

/** The version probe's reply; one of another shape comes from a daemon of another version. */
function parseProbe(reply: unknown): MethodResult<typeof PROBE_METHOD> {
  const parsed = METHODS[PROBE_METHOD].result.safeParse(reply);
  if (parsed.success) return parsed.data;
  throw new MvError('daemon.protocol', "The daemon's reply to its version probe does not match this CLI", {
    hint: 'The daemon runs another version of portalgun: restart it ("portalgun daemon") after an upgrade.',
  });
}

/**
 * A daemon's error as this CLI shows it: a code the method does not declare (the daemon answers its own
 * undeclared codes as `internal.bug`) comes from a daemon of another version, and is said to be one.
 */
export function declaredReplyError(method: MethodName, error: MvError): MvError {
  if (isDeclaredError(method, error.code)) return error;
  return new MvError(
    'daemon.protocol',
    `${error.message} (the daemon answered ${method} with ${error.code}, which this CLI's protocol does not declare for it)`,
    {
      hint: 'The daemon runs another version of portalgun: restart it ("portalgun daemon") after an upgrade.',
      cause: error,
    },
  );
}

/** What the daemon said about itself, when one answered. */
export type DaemonFacts = MethodResult<typeof PROBE_METHOD>;

/** The daemon's facts, or undefined when none answers (not running, or not reachable by this user). */
export async function probeDaemon(runDir: string | undefined): Promise<DaemonFacts | undefined> {
  try {
    return await callDaemon(PROBE_METHOD, {}, { socketPath: daemonSocketPath(runDir) });
  } catch (error) {
    if (error instanceof MvError && error.code === 'daemon.unreachable') return undefined;
    throw error;
  }
}

let sequence = 0;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Calls a daemon method (signed, unless it is the version probe) and returns its validated result. */
export async function callDaemon<M extends MethodName>(
  method: M,
  params: MethodParamsInput<M>,
  options: CallOptions,
): Promise<MethodResult<M>> {
  if (method === PROBE_METHOD) return parseProbe(await rpcCall(method, params, options)) as MethodResult<M>;
  const signed = method as Exclude<M, typeof PROBE_METHOD>;
  return (await callPinnedHost(signed, params as MethodParamsInput<typeof signed>, options))
    .result as MethodResult<M>;
}

/**
 * Calls a signed method and returns its result with the pinned host whose key signed it (image signing
 * signs only what such a reply carried).
 */
export async function callPinnedHost<M extends Exclude<MethodName, typeof PROBE_METHOD>>(
  method: M,
  params: MethodParamsInput<M>,
  options: CallOptions,
): Promise<{ result: MethodResult<M>; host: TrustedHost }> {
  const session = loadSession();
  const { socketPath } = options;
  const host = trustedHost(socketPath, parseProbe(await rpcCall(PROBE_METHOD, {}, { socketPath })));
  const now = Date.now();
  sequence = (sequence + 1) % 1000;
  const fields = draftEnvelope(session.signing, {
    target: host.hostId,
    verb: method,
    args: params as JsonValue,
    seq: now * 1000 + sequence,
    now,
    random: osRandom,
  });
  const bytes = signEnvelope(fields, session.signing);
  const digest = envelopeDigest(bytes);
  const verified = (signed: SignedHostReply, kind: 'reply' | 'progress' | 'refusal'): unknown => {
    if (!verifyHostReply(host.publicKey, { kind, hostId: host.hostId, envelopeDigest: digest }, signed))
      throw unsignedAnswer(socketPath, host, kind);
    return JSON.parse(signed.body) as unknown;
  };
  const open = async (sealed: unknown, kind: 'reply' | 'progress') => {
    const parsed = SEALED.safeParse(sealed);
    if (!parsed.success) throw unsignedAnswer(socketPath, host, kind);
    const plaintext = await openSealed(session.encryption.privateKey, parsed.data, {
      info: encoder.encode(SEAL_INFO[kind]),
      aad: encoder.encode(digest),
    }).catch((cause: unknown) => {
      throw new MvError(
        'scramble.sealed',
        "The daemon's reply is sealed to this host's owner, and this session is not the owner's",
        {
          hint: 'Use the owner\'s keys (SCRAMBLE_HOME), or register this identity with "portalgun init" as root.',
          cause,
        },
      );
    });
    const signed = SIGNED_BODY.safeParse(JSON.parse(decoder.decode(plaintext)));
    if (!signed.success) throw unsignedAnswer(socketPath, host, kind);
    return verified(signed.data, kind);
  };
  let progress: Promise<void> = Promise.resolve();
  const reply = await rpcCall(
    SIGNED_CALL,
    { envelope: Buffer.from(bytes).toString('base64url') },
    {
      socketPath,
      ...(options.onTakeOver ? { onTakeOver: options.onTakeOver } : {}),
      bareError: () => unsignedAnswer(socketPath, host, 'answer'),
      onNotification: (notification) => {
        // Opening is asynchronous; chaining keeps progress lines in the order they were sent.
        progress = progress
          .then(() => open(notification.sealed, 'progress'))
          .then((p) => options.onProgress?.(String((p as { message?: unknown }).message ?? '')));
      },
    },
  );
  await progress;
  const answer = SIGNED_CALL_RESULT.safeParse(reply);
  if (!answer.success) throw unsignedAnswer(socketPath, host, 'answer');
  if ('refused' in answer.data) {
    const refusal = verified(answer.data.refused, 'refusal') as { message: string; data: { code: string } };
    throw declaredReplyError(method, errorFromRpc(refusal));
  }
  const opened = SEALED_REPLY.parse(await open(answer.data.sealed, 'reply'));
  if (!opened.ok) throw declaredReplyError(method, errorFromRpc(opened.error));
  const result = METHODS[method].result.safeParse(opened.result);
  if (!result.success)
    throw new MvError('daemon.protocol', `The daemon's reply to ${method} does not match the protocol`);
  return { result: result.data as MethodResult<M>, host };
}
