/**
 * @module Host side of the portal agent: connects to the unix socket QEMU exposes for the agent's
 * virtio-serial port and sends requests over it. QEMU serves one client at a time: the daemon keeps one
 * connection per portal (daemon/portals/portal-agent.ts), and closes it before another client needs the port.
 * Ids count up from 1 per connection. Each request may carry `auth`, the owner's
 * signed envelope as base64url, which the guest verifies before it acts. Every failure is an `MvError`: the
 * socket cannot be reached (`agent.unreachable`), no answer in time (`agent.timeout`), the connection ends
 * or the guest breaks the protocol (`agent.disconnected`), or the agent's own refusal (see
 * `errorFromFailure`, which also covers `agent.unauthenticated`).
 * The guest is not trusted: its frames are size-capped and its error codes and messages filtered.
 */
import { createConnection, type Socket } from 'node:net';
import { MvError } from '../../errors/index.js';
import type { AgentVerb } from '../../guest-abi/index.js';
import { encodeFrame, FrameDecoder, MAX_RESPONSE_FRAME } from '../frame.js';
import {
  type AgentResponse,
  checkAuth,
  checkCall,
  errorFromFailure,
  type JsonValue,
  parseResponse,
} from '../protocol.js';

/** How long connecting, and by default each request, may take. */
export const DEFAULT_AGENT_TIMEOUT_MS = 10_000;

/** Options of `connectAgent`. */
export interface ConnectAgentOptions {
  /** Deadline for connecting, and the default deadline of each request. */
  readonly timeoutMs?: number;
  /** Aborting closes the connection and fails pending requests with `agent.disconnected`. */
  readonly signal?: AbortSignal;
}

/** Options of one request. */
export interface AgentRequestOptions {
  readonly timeoutMs?: number;
  /** The signed envelope (base64url) that authorises this request; the guest refuses requests without one. */
  readonly auth?: string | undefined;
}

/** An open connection to one portal's agent. */
export interface AgentClient {
  /** Sends one request and resolves with its result; throws `MvError`. */
  request(verb: AgentVerb, args?: readonly string[], options?: AgentRequestOptions): Promise<JsonValue>;
  /** Whether requests can still be sent: the connection was neither closed nor lost. */
  isOpen(): boolean;
  /** Closes the connection; pending requests fail with `agent.disconnected`. */
  close(): void;
}

interface Pending {
  readonly resolve: (result: JsonValue) => void;
  readonly reject: (error: MvError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Connects to an agent socket; throws `agent.unreachable` when nothing answers there. */
export async function connectAgent(
  socketPath: string,
  options: ConnectAgentOptions = {},
): Promise<AgentClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  const socket = await openSocket(socketPath, timeoutMs, options.signal);
  return new AgentConnection(socket, timeoutMs, options.signal);
}

function openSocket(socketPath: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const fail = (detail: string, cause?: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(
        new MvError('agent.unreachable', `Cannot connect to the agent at ${socketPath}: ${detail}`, {
          hint: 'Check that the portal is running and its agent device is enabled.',
          ...(cause === undefined ? {} : { cause }),
        }),
      );
    };
    const onAbort = () => fail('aborted');
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs} ms`), timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error);
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      resolve(socket);
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class AgentConnection implements AgentClient {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #decoder = new FrameDecoder({ maxFrame: MAX_RESPONSE_FRAME });
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: MvError | undefined;

  constructor(socket: Socket, timeoutMs: number, signal: AbortSignal | undefined) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#signal = signal;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#shut(disconnected(`connection failed (${error.message})`)));
    socket.on('close', () => this.#shut(disconnected('the agent closed the connection')));
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  request(
    verb: AgentVerb,
    args: readonly string[] = [],
    options: AgentRequestOptions = {},
  ): Promise<JsonValue> {
    if (this.#closed) return Promise.reject(this.#closed);
    const { auth } = options;
    const problem = (auth === undefined ? undefined : checkAuth(auth)) ?? checkCall(verb, args);
    if (problem) return Promise.reject(errorFromFailure(problem));
    const id = this.#nextId++;
    let frame: Buffer;
    try {
      frame = encodeFrame(auth === undefined ? { id, verb, args } : { id, verb, args, auth });
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new MvError('agent.timeout', `The agent did not answer "${verb}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#socket.write(frame);
    });
  }

  isOpen(): boolean {
    return this.#closed === undefined;
  }

  close(): void {
    this.#shut(disconnected('the connection was closed'));
  }

  readonly #onAbort = () => this.#shut(disconnected('the request was aborted'));

  #receive(chunk: Buffer): void {
    for (const item of this.#decoder.push(chunk)) {
      const response = item.kind === 'frame' ? parseResponse(item.payload) : undefined;
      if (response === undefined) {
        this.#shut(disconnected('the agent broke the protocol'));
        return;
      }
      this.#settle(response);
    }
  }

  #settle(response: AgentResponse): void {
    if (response.id === 0) {
      // The agent could not read one of our requests and cannot say which: nothing on this stream is
      // trustworthy any more, so every pending request fails with its complaint.
      this.#shut(
        response.ok ? disconnected('the agent broke the protocol') : errorFromFailure(response.error),
      );
      return;
    }
    const pending = this.#pending.get(response.id);
    if (pending === undefined) return; // An answer that came after its request timed out.
    this.#pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(errorFromFailure(response.error));
  }

  #shut(error: MvError): void {
    if (this.#closed) return;
    this.#closed = error;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#socket.destroy();
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

function disconnected(why: string): MvError {
  return new MvError('agent.disconnected', `Lost the agent connection: ${why}`);
}
