/**
 * @module Authentication of agent requests. The daemon only relays them, and a relay's word is not enough:
 * the machine that executes a command verifies it. So each request's `auth` must be the owner's signed
 * envelope (checked by `scramble/envelope.ts`, imported directly because scramble's index would pull HPKE and
 * Argon2 into the guest bundle), addressed to this boot's host id, for exactly this request on this instance,
 * and not seen before. What each daemon method authorises (its `args.name` must be this instance):
 * - `portal.exec` `{name, verb, args = []}`: the agent verb `verb` with exactly `args`, `shell` excepted (a
 *   shell into a router is the policy's to grant, as `portal.shell` asks it);
 * - `portal.status` `{name}`: `status` with no arguments;
 * - `portal.down` `{name, force?}`: `poweroff` with no arguments;
 * - `portal.shell` `{name, op, …}`: `shell` with the arguments `shellAgentArgs` makes of the other fields.
 *
 * The session certificate must also permit the agent verb itself (`agent.<verb>`, as the daemon's policy
 * checks it), so a key certified for `portal.exec` alone runs nothing here even through a daemon that would
 * let it. An accepted request comes with the key id (`kid`) of the session key that signed it: a shell
 * session belongs to the key that opened it.
 *
 * Revocations are not known inside the guest, so none are checked here: the daemon refuses revoked keys
 * before it relays anything, and an envelope lives at most 5 minutes. Replays are refused from memory, which
 * suits an ephemeral portal: each accepted nonce is kept until its envelope's `exp`, and expired nonces are
 * dropped on every check, so the memory holds at most what the owner signed for this portal in the last
 * 5 minutes. The memory does not outlive the agent process; a restarted agent relies on the daemon's own
 * replay store, as it relies on the daemon for revocations.
 * Refusals name the reason (a `scramble.*` code, or the binding that failed) and never the envelope, its
 * signature or the arguments.
 * Pure: no I/O; the clock is passed in.
 */
import { MvError } from '../../errors/index.js';
import {
  type EnvelopeFields,
  type JsonValue,
  verbPermitted,
  verifyEnvelope,
} from '../../scramble/envelope.js';
import type { AgentRequest } from '../protocol.js';
import { shellAgentArgs } from '../shell.js';
import type { AgentTrust } from './config.js';

/** Whether a request is authorised: the key that signed it, or why not. */
export type AuthVerdict = { readonly kid: string } | { readonly refusal: string };

/** Checks requests against their envelopes, remembering the nonces it accepted. */
export interface Authenticator {
  /** The signing key of an authorised `request`, or why it is not; an accepted envelope is spent. */
  verify(request: AgentRequest, now: number): AuthVerdict;
}

/** An authenticator for this owner, host and instance; without them it refuses every request. */
export function createAuthenticator(trust: AgentTrust | undefined): Authenticator {
  const nonceExpiry = new Map<string, number>();
  return {
    verify(request, now) {
      if (trust === undefined) return { refusal: 'this agent has no owner configured' };
      if (request.auth === undefined) return { refusal: 'the request carries no envelope' };
      let envelope: EnvelopeFields;
      try {
        envelope = verifyEnvelope(Buffer.from(request.auth, 'base64url'), {
          owner: trust.owner,
          now,
          targets: [trust.hostId],
          isRevoked: () => false,
        });
      } catch (error) {
        return { refusal: `envelope refused: ${error instanceof MvError ? error.code : 'unexpected error'}` };
      }
      const mismatch = bindingProblem(envelope, request, trust.instance);
      if (mismatch !== undefined) return { refusal: mismatch };
      // The daemon checks the agent verb against the certificate too (SPEC 9.22); the executor does not take
      // its word for it.
      if (!verbPermitted(envelope.cert.permissions ?? [], `agent.${request.verb}`)) {
        return { refusal: `envelope refused: scramble.not-permitted (agent.${request.verb})` };
      }
      for (const [nonce, exp] of nonceExpiry) if (exp < now) nonceExpiry.delete(nonce);
      if (nonceExpiry.has(envelope.nonce)) return { refusal: 'envelope refused: scramble.replay' };
      nonceExpiry.set(envelope.nonce, envelope.exp);
      return { kid: envelope.kid };
    },
  };
}

/** Why a verified envelope does not authorise this request on this instance, or undefined. */
function bindingProblem(
  envelope: EnvelopeFields,
  request: AgentRequest,
  instance: string,
): string | undefined {
  const { args } = envelope;
  const mismatch = 'envelope does not authorise this request';
  if (!isObject(args)) return mismatch;
  if (args.name !== instance) return 'envelope is for another portal instance';
  const noArgs = request.args.length === 0;
  const authorised =
    (envelope.verb === 'portal.exec' &&
      request.verb !== 'shell' &&
      args.verb === request.verb &&
      sameArgs(Object.hasOwn(args, 'args') ? args.args : [], request.args)) ||
    (envelope.verb === 'portal.status' && request.verb === 'status' && noArgs) ||
    (envelope.verb === 'portal.down' && request.verb === 'poweroff' && noArgs) ||
    (envelope.verb === 'portal.shell' &&
      request.verb === 'shell' &&
      sameArgs(shellArgsOf(args), request.args));
  return authorised ? undefined : mismatch;
}

/** The agent arguments a signed `portal.shell` call stands for, or undefined when it stands for none. */
function shellArgsOf(args: { readonly [key: string]: JsonValue }): JsonValue | undefined {
  try {
    return shellAgentArgs(args);
  } catch {
    // A call that names no valid shell step authorises nothing.
    return undefined;
  }
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameArgs(signed: JsonValue | undefined, sent: readonly string[]): boolean {
  return (
    Array.isArray(signed) &&
    signed.length === sent.length &&
    signed.every((arg, index) => arg === sent[index])
  );
}
