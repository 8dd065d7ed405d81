/**
 * @module The CLI's only way to the daemon: one JSON-RPC request over the daemon's unix socket, with
 * progress notifications passed to a callback, the reply checked against the method table, and Ctrl-C
 * closing the connection (the daemon then undoes what the request had started).
 */
import { createConnection, type Socket } from 'node:net';
import { MvError } from '../errors/index.js';
import {
  errorFromRpc,
  METHODS,
  type MethodName,
  type MethodParamsInput,
  type MethodResult,
  RESPONSE,
} from '../protocol/index.js';

/** The daemon socket: `$PORTALGUN_RUN/portalgun.sock`, by default /run/multiverse/portalgun.sock. */
export function daemonSocketPath(runDir: string | undefined): string {
  return `${runDir ?? process.env.PORTALGUN_RUN ?? '/run/multiverse'}/portalgun.sock`;
}

/** Options of one call. */
export interface CallOptions {
  readonly socketPath: string;
  readonly onProgress?: (message: string) => void;
  /** Called with the raw socket after a successful reply, for methods that take the connection over. */
  readonly onTakeOver?: (socket: Socket) => void;
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

/** Calls a daemon method and returns its validated result. */
export async function callDaemon<M extends MethodName>(
  method: M,
  params: MethodParamsInput<M>,
  options: CallOptions,
): Promise<MethodResult<M>> {
  const socket = await connectSocket(options.socketPath);
  const interrupt = () => socket.destroy();
  process.once('SIGINT', interrupt);
  try {
    return await new Promise<MethodResult<M>>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const message = JSON.parse(line) as { method?: string; params?: { message?: string } };
          if (message.method === 'progress') {
            options.onProgress?.(String(message.params?.message ?? ''));
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
        if ('error' in reply.data) return reject(errorFromRpc(reply.data.error));
        const result = METHODS[method].result.safeParse(reply.data.result);
        if (!result.success)
          return reject(
            new MvError('daemon.protocol', `The daemon's reply to ${method} does not match the protocol`),
          );
        if (options.onTakeOver) {
          if (rest) socket.unshift(Buffer.from(rest));
          options.onTakeOver(socket);
        }
        resolve(result.data as MethodResult<M>);
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
