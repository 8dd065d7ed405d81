/**
 * @module One agent session over any byte stream: decodes frames, refuses bad and excess requests, runs the
 * rest concurrently (at most four in flight) and writes each response when it is ready. The transport is
 * injected, so the same session serves the virtio port in the guest and a unix socket in the host's tests.
 * `reset()` marks a new peer: the decoder starts afresh, and answers to the old peer's requests are dropped,
 * because the new peer numbers its requests from 1 again and would take them for its own.
 */
import { encodeFrame, FrameDecoder, MAX_RESPONSE_FRAME } from '../frame.js';
import {
  type AgentRequest,
  type AgentResponse,
  errorResponse,
  parseRequest,
  REQUEST_LIMITS,
} from '../protocol.js';
import { type DispatchOptions, dispatchRequest } from './dispatch.js';
import type { AgentContext } from './verb-handler.js';

/** What a session needs besides the agent context. */
export interface SessionOptions extends AgentContext, DispatchOptions {
  /** Writes one frame; must not reject (a vanished host is not an error). */
  readonly write: (frame: Buffer) => Promise<void>;
  /** Where trouble that cannot be answered on the wire is reported. */
  readonly log: (line: string) => void;
}

/** A running session. */
export interface AgentSession {
  /** Feeds bytes from the host. */
  push(chunk: Uint8Array): void;
  /** Starts over for a new host connection. */
  reset(): void;
  /** Drops a half-read frame (or an oversize one being skipped) but keeps requests in flight. */
  resync(): void;
}

/** Starts a session; it never throws from `push`. */
export function createSession(options: SessionOptions): AgentSession {
  const decoder = new FrameDecoder();
  let generation = 0;
  let inFlight = 0;

  const send = async (response: AgentResponse, from: number) => {
    if (from !== generation) return;
    await options.write(encodeResponse(response));
  };

  const serve = async (request: AgentRequest, from: number) => {
    inFlight += 1;
    try {
      const { response, afterReply } = await dispatchRequest(request, options, options);
      try {
        await send(response, from);
      } finally {
        // Work such as power-off still runs when the reply could not be delivered: the host asked for it.
        await afterReply?.();
      }
    } finally {
      inFlight -= 1;
    }
  };

  const accept = (payload: Buffer) => {
    const parsed = parseRequest(payload);
    if (!parsed.ok) return send(parsed.response, generation);
    if (inFlight >= REQUEST_LIMITS.maxInFlight) {
      const limit = REQUEST_LIMITS.maxInFlight;
      return send(
        errorResponse(parsed.request.id, 'agent.busy', `At most ${limit} requests may be in flight`),
        generation,
      );
    }
    return serve(parsed.request, generation);
  };

  const guard = (work: Promise<void>) => {
    work.catch((error: unknown) => options.log(`agent: request failed unexpectedly: ${error}`));
  };

  return {
    push(chunk) {
      try {
        for (const item of decoder.push(chunk)) {
          guard(
            item.kind === 'frame'
              ? accept(item.payload)
              : send(errorResponse(0, item.code, item.message), generation),
          );
        }
      } catch (error) {
        options.log(`agent: cannot decode input: ${error}`);
        decoder.reset();
      }
    },
    reset() {
      decoder.reset();
      generation += 1;
    },
    resync() {
      decoder.reset();
    },
  };
}

function encodeResponse(response: AgentResponse): Buffer {
  try {
    return encodeFrame(response, { maxFrame: MAX_RESPONSE_FRAME });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return encodeFrame(errorResponse(response.id, 'agent.frame-too-large', `Reply too large: ${message}`));
  }
}
