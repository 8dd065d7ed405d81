/**
 * @module The door every command comes through: a signed envelope is verified (size, decoding, version,
 * certificate chain to the registered owner, revocation, signature, expiry and skew, target = this host),
 * checked against replay (SQLite, surviving restarts), authorised by the policy with its rate limits, and
 * audited; only then does its method run. Owner, revocations and policy come from one snapshot of the
 * host's trust, read as the call arrives; the method runs under the same snapshot (`Caller.trust`). The
 * reply — result, error or refusal alike — and every progress message is signed with the host key (bound to
 * the host id, the envelope's digest and its kind, scramble/host-reply.ts), then sealed with HPKE to the
 * owner's encryption key and bound to the envelope's digest: only the owner can read any of it, and the
 * owner's CLI knows this host wrote it. With no valid encryption key to seal to (none registered, expired,
 * revoked) nothing runs and the answer is a host-signed refusal, never a plaintext result (reply-key.ts).
 *
 * A method's handler may fail only with the codes its method declares (protocol/methods.ts) or the door's:
 * any other is a broken contract, logged and answered as `internal.bug` with the original message, so a
 * caller never acts on a code the protocol does not promise (the test harness fails a run that logs one).
 */

import { digestJson } from '../../digest/index.js';
import { asMvError, MvError } from '../../errors/index.js';
import {
  errorToRpc,
  isDeclaredError,
  isMethodName,
  METHODS,
  type MethodName,
  PROBE_METHOD,
  policyTargetsOf,
  SEAL_INFO,
} from '../../protocol/index.js';
import { osRandom } from '../../scramble/host/index.js';
import {
  decodeBase64Url,
  type EnvelopeFields,
  envelopeDigest,
  type HostKey,
  type Sealed,
  type SignedHostReply,
  sealTo,
  signHostReply,
  verbPermitted,
  verifyEnvelope,
} from '../../scramble/index.js';
import type { ReplayStore } from '../state/replay-store.js';
import type { Authorizer } from './authorizer.js';
import type { ResolveTargets } from './call-targets.js';
import type { HostTrust } from './host-trust.js';
import { ownerReplyKey } from './reply-key.js';
import type { Caller, Handler, HandlerContext } from './server.js';

/** What the signed path needs. */
export interface SignedCallDeps {
  /** Reads the host's trust; called once per call. */
  readonly readTrust: () => HostTrust;
  readonly clock: () => number;
  /** This host's key: it signs every answer. */
  readonly hostKey: HostKey;
  readonly replay: ReplayStore;
  readonly authorizer: Authorizer;
  readonly handlers: Readonly<Record<MethodName, Handler>>;
  /** The policy values the daemon derives itself (a formula's node, the name `up` will use); none if absent. */
  readonly resolveTargets?: ResolveTargets;
  /** The daemon's log: where a broken error contract is reported. */
  readonly log: (line: string) => void;
}

/** What a daemon log line about an error code its method does not declare says (tests look for it). */
export const UNDECLARED_ERROR = 'undeclared error';

/**
 * The error as the caller may see it: itself if its method declares its code, else `internal.bug` keeping
 * its message and hint, after logging where it came from (a message never carries secrets).
 */
export function declaredError(method: MethodName, error: unknown, log: (line: string) => void): MvError {
  const failure = asMvError(error);
  if (!(error instanceof MvError)) {
    log(
      `${method} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  if (isDeclaredError(method, failure.code)) return failure;
  log(
    `${method} answered ${UNDECLARED_ERROR} ${failure.code} (declare it in src/protocol, or throw a declared code): ${failure.stack ?? failure.message}`,
  );
  return new MvError(
    'internal.bug',
    `${failure.message} (${UNDECLARED_ERROR} ${failure.code}; please report)`,
    {
      ...(failure.hint === undefined ? {} : { hint: failure.hint }),
      cause: failure,
    },
  );
}

const encoder = new TextEncoder();

/** The answer to a signed call: sealed to the owner, or a signed refusal when nothing can be sealed. */
export type SignedCallAnswer = { readonly sealed: Sealed } | { readonly refused: SignedHostReply };

/** Verifies, authorises, runs, signs and seals one signed call. */
export async function handleSignedCall(
  envelopeText: string,
  deps: SignedCallDeps,
  context: HandlerContext,
): Promise<SignedCallAnswer> {
  const trust = deps.readTrust();
  // Strict base64url (the server already capped the line): anything else is refused as scramble.decode.
  const bytes = decodeBase64Url(envelopeText) ?? new Uint8Array(0);
  const digest = envelopeDigest(bytes);
  const sign = (kind: 'reply' | 'progress' | 'refusal', payload: unknown) =>
    signHostReply(
      deps.hostKey,
      { kind, hostId: trust.hostId, envelopeDigest: digest },
      JSON.stringify(payload),
    );
  let replyKey: Uint8Array;
  try {
    replyKey = ownerReplyKey(trust, deps.clock());
  } catch (error) {
    return { refused: sign('refusal', errorToRpc(asMvError(error))) };
  }
  const seal = (kind: 'reply' | 'progress', payload: unknown) =>
    sealTo(replyKey, encoder.encode(JSON.stringify(sign(kind, payload))), {
      info: encoder.encode(SEAL_INFO[kind]),
      aad: encoder.encode(digest),
      random: osRandom,
    });
  try {
    const result = await runVerified(bytes, { deps, trust, digest, context, seal });
    return { sealed: await seal('reply', { ok: true, result }) };
  } catch (error) {
    return { sealed: await seal('reply', { ok: false, error: errorToRpc(asMvError(error)) }) };
  }
}

interface RunContext {
  readonly deps: SignedCallDeps;
  readonly trust: HostTrust;
  readonly digest: string;
  readonly context: HandlerContext;
  readonly seal: (kind: 'reply' | 'progress', payload: unknown) => Promise<Sealed>;
}

async function runVerified(bytes: Uint8Array, run: RunContext): Promise<unknown> {
  const { deps, trust, digest } = run;
  const owner = trust.owner().scrambleId;
  const now = deps.clock();
  let envelope: EnvelopeFields;
  try {
    envelope = verifyEnvelope(bytes, {
      owner,
      now,
      targets: [trust.hostId],
      isRevoked: (kid) => trust.revokedKids().has(kid),
    });
    deps.replay.accept(
      { kid: envelope.kid, nonce: envelope.nonce, seq: envelope.seq, exp: envelope.exp },
      now,
    );
  } catch (error) {
    return deps.authorizer.refuse(asMvError(error).code, { envelopeDigest: digest });
  }
  const audit = {
    scrambleId: envelope.id,
    kid: envelope.kid,
    envelopeDigest: digest,
    argsDigest: digestJson(envelope.args),
  };
  if (!isMethodName(envelope.verb) || envelope.verb === PROBE_METHOD)
    return deps.authorizer.refuse('usage.invalid', { ...audit, verb: envelope.verb });
  const method = envelope.verb;
  const params = METHODS[method].params.safeParse(envelope.args);
  if (!params.success) return deps.authorizer.refuse('usage.invalid', { ...audit, verb: method });
  const source = { scrambleId: envelope.id, kid: envelope.kid, isOwner: envelope.id === owner };
  const authorize = (verb: string, target: string) => {
    // An agent verb a method relays must be permitted by the session's certificate itself, not only the
    // method that carries it: a key certified for portal.exec alone runs no agent verb it was not given.
    if (!verbPermitted(envelope.cert.permissions ?? [], verb))
      return deps.authorizer.refuse('scramble.not-permitted', { ...audit, verb, target });
    return deps.authorizer.authorize({ verb, target, fields: { name: target }, source, trust }, audit);
  };
  let resolved: Readonly<Record<string, string>>;
  try {
    resolved = (await deps.resolveTargets?.(method, params.data)) ?? {};
  } catch (error) {
    // Audited with the target the caller named, as it could not be resolved.
    const named = policyTargetsOf(method, params.data, { hostId: trust.hostId, resolved: {} });
    return deps.authorizer.refuseWith(asMvError(error), { ...audit, verb: method, target: named.primary });
  }
  const targets = policyTargetsOf(method, params.data, { hostId: trust.hostId, resolved });
  const release = await deps.authorizer.authorize(
    { verb: method, target: targets.primary, fields: targets.fields, source, trust },
    audit,
  );
  try {
    const caller: Caller = {
      scrambleId: envelope.id,
      kid: envelope.kid,
      envelope: Buffer.from(bytes).toString('base64url'),
      authorize,
      trust,
    };
    // The method runs with what the policy was matched against (the node, the name), not the caller's words.
    return await deps.handlers[method](
      { ...params.data, ...resolved },
      {
        ...run.context,
        caller,
        progress: (message) => {
          void run.seal('progress', { message }).then((sealed) => run.context.notify({ sealed }));
        },
      },
    );
  } catch (error) {
    throw declaredError(method, error, deps.log);
  } finally {
    release();
  }
}
