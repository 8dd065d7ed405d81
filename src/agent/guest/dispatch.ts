/**
 * @module Turns one checked request into one response: refuses requests its envelope does not authorise
 * (`agent.unauthenticated`, see `authenticate.ts`), then verbs the portal does not allow, runs the handler,
 * and converts anything a handler throws into an error response, so no input can take the agent down.
 * Unexpected errors become `agent.command-failed` with their message.
 */
import { MvError } from '../../errors/index.js';
import type { AgentVerb } from '../../guest-abi/index.js';
import { type AgentRequest, type AgentResponse, errorResponse, okResponse } from '../protocol.js';
import type { Authenticator } from './authenticate.js';
import { VERB_HANDLERS } from './handlers/index.js';
import type { AgentContext, VerbHandler } from './verb-handler.js';

/** A response, and work that must wait until it has been written. */
export interface Dispatched {
  readonly response: AgentResponse;
  readonly afterReply?: () => Promise<void>;
}

/** Options of `dispatchRequest`. */
export interface DispatchOptions {
  /** Checks each request's envelope; one per agent, so a nonce spent on one connection stays spent. */
  readonly authenticator: Authenticator;
  /** The verb table; the agent's own unless a test replaces it. */
  readonly handlers?: Readonly<Partial<Record<AgentVerb, VerbHandler>>>;
}

/** Answers one request; never throws. */
export async function dispatchRequest(
  request: AgentRequest,
  context: AgentContext,
  options: DispatchOptions,
): Promise<Dispatched> {
  const { id, verb, args } = request;
  const verdict = options.authenticator.verify(request, context.system.now());
  if ('refusal' in verdict) return { response: errorResponse(id, 'agent.unauthenticated', verdict.refusal) };
  if (!context.config.verbs.includes(verb)) {
    return {
      response: errorResponse(id, 'agent.verb-not-allowed', `Verb "${verb}" is not allowed on this portal`),
    };
  }
  const handler = (options.handlers ?? VERB_HANDLERS)[verb];
  if (handler === undefined) {
    return {
      response: errorResponse(id, 'agent.unknown-verb', `Verb "${verb}" is not implemented by this agent`),
    };
  }
  try {
    const outcome = await handler(args, context, { kid: verdict.kid });
    const response = okResponse(id, outcome.result);
    return outcome.afterReply === undefined ? { response } : { response, afterReply: outcome.afterReply };
  } catch (error) {
    if (error instanceof MvError) return { response: errorResponse(id, error.code, error.message) };
    const message = error instanceof Error ? error.message : String(error);
    return { response: errorResponse(id, 'agent.command-failed', `${verb} failed: ${message}`) };
  }
}
