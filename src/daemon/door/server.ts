/**
 * @module The daemon's unix-socket server: newline-delimited JSON-RPC 2.0, every request validated
 * against the method table before a handler sees it, every reply validated before it is sent. A request
 * whose connection closes is aborted (its handler's signal fires), so Ctrl-C in the CLI undoes a half-done
 * `up`. Progress messages travel as `progress` notifications. A handler may take the connection over
 * afterwards (the serial console).
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import * as z from 'zod';
import { asMvError, MvError } from '../../errors/index.js';
import { errorToRpc, MAX_LINE_BYTES, PROBE_METHOD, REQUEST, SIGNED_CALL } from '../../protocol/index.js';
import type { HostTrust } from './host-trust.js';

/** The verified identity behind a running command, for checks deeper down (agent verbs). */
export interface Caller {
  readonly scrambleId: string;
  readonly kid: string;
  /** The signed envelope as received (base64url), passed on so a portal's agent can verify it itself. */
  readonly envelope: string;
  /** Authorises a further verb (e.g. `agent.ping` on a portal) under the same policy and limits. */
  readonly authorize: (verb: string, target: string) => Promise<() => void>;
  /** The host's trust the command was admitted under; its method judges images and owners by it too. */
  readonly trust: HostTrust;
}

/** What a handler gets besides its parameters. */
export interface HandlerContext {
  readonly progress: (message: string) => void;
  /** Sends a `progress` notification with these params (the signed path sends them sealed). */
  readonly notify: (params: Record<string, unknown>) => void;
  readonly signal: AbortSignal;
  /** Hands the raw connection to `take` once the reply has been written. */
  readonly takeOver: (take: (socket: Socket) => void) => void;
  /** Who sent the command (set on the signed path). */
  readonly caller?: Caller;
}

/** The verified caller of a command; every method but the version probe has one. */
export function requireCaller(context: HandlerContext): Caller {
  if (!context.caller)
    throw new MvError('internal.bug', 'A command ran without a verified caller (please report)');
  return context.caller;
}

/** A method implementation. */
export type Handler = (params: unknown, context: HandlerContext) => Promise<unknown>;

/** How the server handles the two methods it accepts on the wire: the probe and signed calls. */
export interface Gate {
  readonly probe: () => Promise<unknown>;
  readonly signedCall: (envelope: string, context: HandlerContext) => Promise<unknown>;
}

/** Starts listening on `socketPath` (mode 0600: only root talks to the daemon). */
export function serve(socketPath: string, gate: Gate, log: (line: string) => void): Server {
  if (existsSync(socketPath)) rmSync(socketPath);
  const server = createServer((socket) => handleConnection(socket, gate, log));
  server.listen(socketPath, () => chmodSync(socketPath, 0o600));
  return server;
}

function handleConnection(socket: Socket, gate: Gate, log: (line: string) => void): void {
  const controller = new AbortController();
  // One decoder per connection: a character whose bytes arrive in two reads is decoded whole.
  const utf8 = new StringDecoder('utf8');
  let buffered = '';
  let takenOver = false;
  socket.on('close', () => controller.abort(new MvError('cli.interrupted', 'The client went away')));
  socket.on('error', () => controller.abort(new MvError('cli.interrupted', 'The client connection failed')));
  socket.on('data', (chunk: Buffer) => {
    if (takenOver) return;
    buffered += utf8.write(chunk);
    if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
      send(socket, {
        jsonrpc: '2.0',
        id: null,
        error: errorToRpc(new MvError('daemon.protocol', 'Request line too long')),
      });
      socket.destroy();
      return;
    }
    let newline = buffered.indexOf('\n');
    while (newline >= 0 && !takenOver) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      void dispatch(line, {
        socket,
        gate,
        signal: controller.signal,
        log,
        onTakeOver: () => {
          takenOver = true;
        },
      });
      newline = buffered.indexOf('\n');
    }
  });
}

function send(socket: Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

interface DispatchContext {
  readonly socket: Socket;
  readonly gate: Gate;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly onTakeOver: () => void;
}

const SIGNED_PARAMS = z.strictObject({ envelope: z.string().max(200_000) });

async function dispatch(line: string, context: DispatchContext): Promise<void> {
  const { socket } = context;
  let id: number | string | null = null;
  try {
    const request = REQUEST.safeParse(JSON.parse(line));
    if (!request.success) throw new MvError('daemon.protocol', 'Malformed JSON-RPC request');
    id = request.data.id;
    const requestId = id;
    if (request.data.method === PROBE_METHOD) {
      send(socket, { jsonrpc: '2.0', id, result: await context.gate.probe() });
      return;
    }
    const params = SIGNED_PARAMS.safeParse(request.data.params);
    if (request.data.method !== SIGNED_CALL || !params.success) {
      throw new MvError('auth.denied', 'Unsigned requests are refused', {
        hint: 'Every command must be a signed envelope: use the portalgun CLI or scramble, after "portalgun init".',
      });
    }
    let take: ((socket: Socket) => void) | undefined;
    const notify = (notification: Record<string, unknown>) =>
      send(socket, { jsonrpc: '2.0', method: 'progress', params: { id: requestId, ...notification } });
    const result = await context.gate.signedCall(params.data.envelope, {
      progress: (message) => notify({ message }),
      notify,
      signal: context.signal,
      takeOver: (taker) => {
        take = taker;
        context.onTakeOver();
      },
    });
    send(socket, { jsonrpc: '2.0', id, result });
    take?.(socket);
  } catch (error) {
    const failure =
      error instanceof SyntaxError ? new MvError('daemon.protocol', 'Request is not JSON') : asMvError(error);
    if (failure.code === 'internal.bug')
      context.log(
        `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    send(socket, { jsonrpc: '2.0', id, error: errorToRpc(failure) });
  }
}

/** Whether something accepts connections on the socket (a daemon already running there). */
export function isListening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
