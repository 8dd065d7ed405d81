/**
 * @module The daemon's unix-socket server: newline-delimited JSON-RPC 2.0, every request validated
 * against the method table before a handler sees it, every reply validated before it is sent. A request
 * whose connection closes is aborted (its handler's signal fires), so Ctrl-C in the CLI undoes a half-done
 * `up`. Progress messages travel as `progress` notifications. A handler may take the connection over
 * afterwards (the serial console).
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { errorFromDiagnostics, MvError } from '../errors/index.js';
import {
  errorToRpc,
  isMethodName,
  MAX_LINE_BYTES,
  METHODS,
  type MethodName,
  REQUEST,
} from '../protocol/index.js';

/** What a handler gets besides its parameters. */
export interface HandlerContext {
  readonly progress: (message: string) => void;
  readonly signal: AbortSignal;
  /** Hands the raw connection to `take` once the reply has been written. */
  readonly takeOver: (take: (socket: Socket) => void) => void;
}

/** A method implementation. */
export type Handler = (params: unknown, context: HandlerContext) => Promise<unknown>;

/** Starts listening on `socketPath` (mode 0600: only root talks to the daemon). */
export function serve(
  socketPath: string,
  handlers: Readonly<Record<MethodName, Handler>>,
  log: (line: string) => void,
): Server {
  if (existsSync(socketPath)) rmSync(socketPath);
  const server = createServer((socket) => handleConnection(socket, handlers, log));
  server.listen(socketPath, () => chmodSync(socketPath, 0o600));
  return server;
}

function handleConnection(
  socket: Socket,
  handlers: Readonly<Record<MethodName, Handler>>,
  log: (line: string) => void,
): void {
  const controller = new AbortController();
  let buffered = '';
  let takenOver = false;
  socket.on('close', () => controller.abort(new MvError('cli.interrupted', 'The client went away')));
  socket.on('error', () => controller.abort(new MvError('cli.interrupted', 'The client connection failed')));
  socket.on('data', (chunk: Buffer) => {
    if (takenOver) return;
    buffered += chunk.toString('utf8');
    if (buffered.length > MAX_LINE_BYTES) {
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
        handlers,
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
  readonly handlers: Readonly<Record<MethodName, Handler>>;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly onTakeOver: () => void;
}

async function dispatch(line: string, context: DispatchContext): Promise<void> {
  const { socket } = context;
  let id: number | string | null = null;
  try {
    const request = REQUEST.safeParse(JSON.parse(line));
    if (!request.success) throw new MvError('daemon.protocol', 'Malformed JSON-RPC request');
    id = request.data.id;
    const method = request.data.method;
    if (!isMethodName(method)) throw new MvError('usage.invalid', `Unknown method "${method}"`);
    const params = METHODS[method].params.safeParse(request.data.params ?? {});
    if (!params.success) {
      throw new MvError(
        'usage.invalid',
        `Invalid parameters for ${method}: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    let take: ((socket: Socket) => void) | undefined;
    const requestId = id;
    const result = await context.handlers[method](params.data, {
      progress: (message) =>
        send(socket, { jsonrpc: '2.0', method: 'progress', params: { id: requestId, message } }),
      signal: context.signal,
      takeOver: (taker) => {
        take = taker;
        context.onTakeOver();
      },
    });
    const checked = METHODS[method].result.safeParse(result);
    if (!checked.success)
      throw new MvError('internal.bug', `Handler of ${method} returned a malformed result (please report)`);
    send(socket, { jsonrpc: '2.0', id, result: checked.data });
    take?.(socket);
  } catch (error) {
    const failure =
      error instanceof MvError
        ? error
        : error instanceof SyntaxError
          ? new MvError('daemon.protocol', 'Request is not JSON')
          : new MvError(
              'internal.bug',
              `Unexpected failure: ${error instanceof Error ? error.message : String(error)} (please report)`,
            );
    if (failure.code === 'internal.bug')
      context.log(
        `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    const withDiagnostics =
      failure.diagnostics.length > 0 ? errorFromDiagnostics(failure.diagnostics) : failure;
    send(socket, { jsonrpc: '2.0', id, error: errorToRpc(withDiagnostics) });
  }
}
