/**
 * @module One raw JSON-RPC request over the daemon's unix socket: notifications passed to a callback, the
 * reply returned as sent, and Ctrl-C closing the connection (the daemon then undoes what the request had
 * started). Signing and sealing happen a layer up, in daemon-client.ts.
 */
import { createConnection, type Socket } from 'node:net';
import { MvError } from '../errors/index.js';
import { errorFromRpc, RESPONSE } from '../protocol/index.js';

/** Options of one raw request. */
export interface RpcOptions {
  readonly socketPath: string;
  readonly onNotification?: (params: Record<string, unknown>) => void;
  /** Called with the raw socket after a successful reply, for methods that take the connection over. */
  readonly onTakeOver?: (socket: Socket) => void;
  /**
   * What a JSON-RPC error answer stands for. A signed call's answers are all signed, so a bare error is not
   * the host's word (daemon-client.ts refuses it); by default it is the error it says.
   */
  readonly bareError?: (error: MvError) => MvError;
}

function connectSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MvError(
          'daemon.unreachable',
          `Cannot reach the portalgun daemon at ${socketPath} (${error.code ?? error.message})`,
          {
            hint: 'Start it: portalgun daemon (as root), or point PORTALGUN_RUN at its run folder.',
          },
        ),
      ),
    );
  });
}

/** Sends one request and resolves with its `result` (errors become `MvError`s). */
export async function rpcCall(method: string, params: unknown, options: RpcOptions): Promise<unknown> {
  const socket = await connectSocket(options.socketPath);
  const interrupt = () => socket.destroy();
  process.once('SIGINT', interrupt);
  try {
    return await new Promise<unknown>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const message = JSON.parse(line) as { method?: string; params?: Record<string, unknown> };
          if (message.method === 'progress') {
            options.onNotification?.(message.params ?? {});
          } else {
            socket.off('data', onData);
            return settle(message, buffered);
          }
          newline = buffered.indexOf('\n');
        }
      };
      const settle = (message: unknown, rest: string) => {
        const reply = RESPONSE.safeParse(message);
        if (!reply.success)
          return reject(new MvError('daemon.protocol', 'The daemon sent a malformed reply'));
        if ('error' in reply.data) {
          const error = errorFromRpc(reply.data.error);
          return reject(options.bareError ? options.bareError(error) : error);
        }
        if (options.onTakeOver) {
          if (rest) socket.unshift(Buffer.from(rest));
          options.onTakeOver(socket);
        }
        resolve(reply.data.result);
      };
      socket.on('data', onData);
      socket.once('close', () =>
        reject(
          new MvError('cli.interrupted', `The connection to the daemon closed during ${method}`, {
            hint: 'If you pressed Ctrl-C, the daemon has undone the request.',
          }),
        ),
      );
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })}\n`);
    });
  } finally {
    process.off('SIGINT', interrupt);
    if (!options.onTakeOver) socket.destroy();
  }
}
