/**
 * @module The host end of QMP: a unix-socket connection to one QEMU process that has finished the capabilities
 * handshake, matches replies to commands by id, fans out events and reports the socket closing, which is how
 * the daemon learns that a QEMU process has gone. QEMU serves one QMP client per socket at a time, so the
 * daemon holds exactly one connection per portal. The wire format and its validation live in
 * `../qmp/codec.ts`; this file moves lines and keeps the bookkeeping, and never spawns or signals QEMU.
 *
 * Semantics the daemon relies on:
 * - `execute` rejects with `qmp.error` (QEMU refused; the message has the QMP class and desc, and `cause` is
 *   the error reply), `qmp.timeout` (no reply in time; the connection stays open and a late reply is
 *   dropped), `qmp.disconnected` (the socket closed first, or was already closed) or `qmp.protocol` (QEMU
 *   sent something that is not QMP; the connection is then closed, since replies can no longer be matched).
 * - A call marked `endsSession` (`quit`) resolves with `undefined` if QEMU closes the socket before replying;
 *   it still rejects if the client closed the connection or the stream broke.
 * - `waitForEvent(name, {after})` resolves with the first `name` event whose number is above `after`. Events
 *   are numbered from 1 as they arrive and `eventCount` is the latest; `after` defaults to `eventCount` at the
 *   call, so by default only later events count. To catch an event a command causes even if it arrives
 *   before `waitForEvent` is called, read `eventCount` before sending the command and pass it as `after`.
 *   The last `EVENT_HISTORY` events are searched, also after the close; if the event is not among them, a
 *   wait on a closed connection rejects with `qmp.disconnected`, and one pending at the close with the
 *   error pending commands get.
 * - `onClose` listeners run once, after every pending call has settled; one added after the close runs in a
 *   microtask. Event and close listeners must not throw: their errors are not caught.
 */
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../errors/index.js';
import {
  encodeCommand,
  parseQmpMessage,
  type QmpArguments,
  type QmpErrorReply,
  type QmpEvent,
  QmpLineSplitter,
  type QmpMessage,
  type QmpReturn,
} from '../qmp/codec.js';
import { type QmpCallOptions, type QmpExecutor, qmpCapabilities } from '../qmp/commands.js';
import { QmpEventLog, type QmpWaitOptions } from '../qmp/event-log.js';

/** Options for `connectQmp`; `timeoutMs` bounds connect plus handshake and is the default per-command timeout. */
export interface QmpConnectOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Options for `connectQmpRetrying`; `deadlineMs` is the total time budget, counted from the call. */
export interface QmpRetryOptions {
  readonly deadlineMs: number;
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
}

/** Why a connection closed: `close()` was called, QEMU closed or reset the socket, or QEMU broke protocol. */
export interface QmpCloseInfo {
  readonly reason: 'client' | 'peer' | 'protocol';
  readonly error?: MvError;
}

/** A QMP connection past the handshake. */
export interface QmpConnection extends QmpExecutor {
  /** The sequence number of the latest event received (0 before any). */
  readonly eventCount: number;
  /** True from the moment the connection starts closing. */
  readonly isClosed: boolean;
  /** Settles (never rejects) once the socket has closed and every pending call has settled. */
  readonly closed: Promise<QmpCloseInfo>;
  /** Runs a command and resolves with its `return` value. */
  execute(name: string, args?: QmpArguments, options?: QmpCallOptions): Promise<unknown>;
  /** Resolves with the first matching event numbered above `after`. */
  waitForEvent(name: string, options: QmpWaitOptions): Promise<QmpEvent>;
  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  onEvent(listener: (event: QmpEvent) => void): () => void;
  /** Calls `listener` once when the socket closes for any reason; returns the unsubscribe function. */
  onClose(listener: (info: QmpCloseInfo) => void): () => void;
  /** Closes the socket at once; pending calls reject with `qmp.disconnected`. */
  close(): Promise<QmpCloseInfo>;
}

interface Pending {
  readonly name: string;
  readonly endsSession: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: MvError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Connects to a QMP socket and completes the handshake; `qmp.connect-failed`, `qmp.timeout` or `qmp.protocol`. */
export async function connectQmp(socketPath: string, options: QmpConnectOptions): Promise<QmpConnection> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw abortedError(socketPath, signal);
  const connection = new SocketQmpConnection(socketPath, timeoutMs);
  const timer = setTimeout(() => {
    const error = new MvError('qmp.timeout', `No QMP handshake on "${socketPath}" within ${timeoutMs} ms`, {
      hint: 'QEMU may be hung or still starting; another client may also hold the socket.',
    });
    connection.fail(error, 'client');
  }, timeoutMs);
  const onAbort = () => connection.fail(abortedError(socketPath, signal), 'client');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await connection.handshake();
    return connection;
  } catch (error) {
    // Most handshake failures have closed the socket already; a refused qmp_capabilities has not.
    void connection.close();
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Retries `connectQmp` while the socket is missing or refuses, for QEMU that is still starting; then `qmp.timeout`. */
export async function connectQmpRetrying(
  socketPath: string,
  options: QmpRetryOptions,
): Promise<QmpConnection> {
  const { deadlineMs, intervalMs, signal } = options;
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const remaining = deadline - performance.now();
    let lastError: MvError;
    try {
      const timeoutMs = Math.max(Math.ceil(remaining), 1);
      return await connectQmp(socketPath, { timeoutMs, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted || !isNotYetListening(error)) throw error;
      lastError = error;
    }
    const wait = Math.min(intervalMs, deadline - performance.now());
    if (wait <= 0) {
      throw new MvError('qmp.timeout', `QMP socket "${socketPath}" did not answer within ${deadlineMs} ms`, {
        hint: 'Check that QEMU started (its log and exit status) with -qmp unix:PATH,server=on,wait=off.',
        cause: lastError,
      });
    }
    await sleep(wait, undefined, signal ? { signal } : {}).catch(() => {
      throw abortedError(socketPath, signal);
    });
  }
}

class SocketQmpConnection implements QmpConnection {
  readonly closed: Promise<QmpCloseInfo>;
  readonly #path: string;
  readonly #socket: Socket;
  readonly #defaultTimeoutMs: number;
  readonly #splitter = new QmpLineSplitter();
  readonly #pending = new Map<number, Pending>();
  readonly #events: QmpEventLog;
  readonly #closeListeners = new Set<(info: QmpCloseInfo) => void>();
  #greeted: { resolve: () => void; reject: (error: MvError) => void } | undefined;
  #connected = false;
  #nextId = 0;
  #ending: QmpCloseInfo | undefined;
  #closeInfo: QmpCloseInfo | undefined;

  constructor(socketPath: string, defaultTimeoutMs: number) {
    this.#path = socketPath;
    this.#defaultTimeoutMs = defaultTimeoutMs;
    this.#events = new QmpEventLog(socketPath);
    this.closed = new Promise((resolve) => this.#closeListeners.add(resolve));
    this.#socket = createConnection({ path: socketPath });
    this.#socket.setEncoding('utf8');
    this.#socket.on('connect', () => {
      this.#connected = true;
    });
    this.#socket.on('data', (chunk: string) => this.#onData(chunk));
    this.#socket.on('end', () => {
      this.#ending ??= { reason: 'peer' };
    });
    this.#socket.on('error', (cause: NodeJS.ErrnoException) => this.fail(this.#socketError(cause), 'peer'));
    this.#socket.on('close', () => this.#finish());
  }

  get eventCount(): number {
    return this.#events.count;
  }

  get isClosed(): boolean {
    return this.#ending !== undefined;
  }

  /** Waits for the greeting, then leaves negotiation mode. */
  async handshake(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#greeted = { resolve, reject };
    });
    await qmpCapabilities(this);
  }

  execute(name: string, args?: QmpArguments, options: QmpCallOptions = {}): Promise<unknown> {
    if (this.#ending) {
      return Promise.reject(this.#disconnected(`Cannot run QMP command "${name}": the connection is closed`));
    }
    this.#nextId += 1;
    const id = this.#nextId;
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    return new Promise((resolve, reject) => {
      // Encoded first, so arguments JSON cannot represent reject the call before anything is registered.
      const line = encodeCommand(name, args, id);
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(this.#timeout(`QMP command "${name}"`, timeoutMs));
      }, timeoutMs);
      this.#pending.set(id, { name, endsSession: options.endsSession === true, resolve, reject, timer });
      this.#socket.write(line);
    });
  }

  waitForEvent(name: string, options: QmpWaitOptions): Promise<QmpEvent> {
    return this.#events.waitFor(name, options);
  }

  onEvent(listener: (event: QmpEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  onClose(listener: (info: QmpCloseInfo) => void): () => void {
    const info = this.#closeInfo;
    if (info) {
      queueMicrotask(() => listener(info));
      return () => {};
    }
    const own = (closeInfo: QmpCloseInfo) => listener(closeInfo);
    this.#closeListeners.add(own);
    return () => this.#closeListeners.delete(own);
  }

  close(): Promise<QmpCloseInfo> {
    this.#ending ??= { reason: 'client' };
    this.#socket.destroy();
    return this.closed;
  }

  /** Ends the connection with an error; the first reason recorded wins. */
  fail(error: MvError, reason: QmpCloseInfo['reason'] = 'protocol'): void {
    this.#ending ??= { reason, error };
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    const lines = this.#guard(() => this.#splitter.push(chunk)) ?? [];
    for (const line of lines) {
      const message = this.#guard(() => parseQmpMessage(line));
      if (message === undefined || this.#ending) return;
      this.#receive(message);
    }
  }

  #guard<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      // The codec throws only MvError; anything else is a bug here, and ends this connection, not the daemon.
      const message = `Reading QMP from "${this.#path}" failed unexpectedly (please report): ${String(error)}`;
      this.fail(error instanceof MvError ? error : new MvError('internal.bug', message, { cause: error }));
      return undefined;
    }
  }

  #receive(message: QmpMessage): void {
    if (message.kind === 'event') {
      this.#events.record(message);
    } else if (message.kind !== 'greeting') {
      this.#receiveReply(message);
    } else if (this.#greeted) {
      this.#greeted.resolve();
      this.#greeted = undefined;
    } else {
      this.fail(this.#protocol('a second greeting'));
    }
  }

  #receiveReply(reply: QmpReturn | QmpErrorReply): void {
    if (reply.id === undefined || reply.id > this.#nextId) {
      const what = reply.kind === 'error' ? `error "${reply.errorClass}: ${reply.desc}"` : 'reply';
      this.fail(this.#protocol(`a ${what} with id ${reply.id ?? 'missing'}, not one this client sent`));
      return;
    }
    const pending = this.#pending.get(reply.id);
    // A reply for a command that already timed out: its caller has its answer, so the reply is dropped.
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.kind === 'return') {
      pending.resolve(reply.value);
      return;
    }
    const hint =
      reply.errorClass === 'CommandNotFound'
        ? 'This QEMU does not have the command; compare its version with the QMP reference.'
        : 'QEMU refused the command in its current state or with these arguments; see its description.';
    const message = `QMP command "${pending.name}" failed: ${reply.errorClass}: ${reply.desc}`;
    pending.reject(new MvError('qmp.error', message, { hint, cause: reply }));
  }

  /** Runs on the socket's `close`, for every cause: settles everything still open, then tells listeners. */
  #finish(): void {
    const info = this.#ending ?? { reason: 'peer' };
    this.#ending = info;
    this.#closeInfo = info;
    const error = info.error ?? this.#disconnected(`QMP connection to "${this.#path}" closed`);
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      if (pending.endsSession && info.reason === 'peer') pending.resolve(undefined);
      else pending.reject(error);
    }
    this.#pending.clear();
    this.#greeted?.reject(error);
    this.#greeted = undefined;
    this.#events.end(error);
    for (const listener of this.#closeListeners) listener(info);
    this.#closeListeners.clear();
  }

  #socketError(cause: NodeJS.ErrnoException): MvError {
    if (this.#connected) {
      return this.#disconnected(
        `QMP connection to "${this.#path}" failed: ${cause.code ?? cause.message}`,
        cause,
      );
    }
    return new MvError(
      'qmp.connect-failed',
      `Cannot connect to QMP socket "${this.#path}": ${cause.code ?? cause.message}`,
      {
        hint: 'Check that QEMU is running with -qmp unix:PATH,server=on,wait=off and that the path is right.',
        cause,
      },
    );
  }

  #disconnected(message: string, cause?: unknown): MvError {
    return new MvError('qmp.disconnected', message, {
      hint: 'The QEMU process has probably exited; check its exit status and log.',
      ...(cause === undefined ? {} : { cause }),
    });
  }

  #timeout(what: string, timeoutMs: number): MvError {
    return new MvError('qmp.timeout', `${what} on "${this.#path}" got no answer within ${timeoutMs} ms`, {
      hint: 'QEMU may be hung or busy; retry with a longer timeout, or check the process.',
    });
  }

  #protocol(what: string): MvError {
    return new MvError('qmp.protocol', `QMP peer "${this.#path}" sent ${what}`, {
      hint: 'Check that the socket is a QMP monitor (-qmp) and that no other client shares it.',
    });
  }
}

function isNotYetListening(error: unknown): error is MvError {
  if (!(error instanceof MvError) || error.code !== 'qmp.connect-failed') return false;
  const cause: unknown = error.cause;
  const code = cause instanceof Error && 'code' in cause ? cause.code : undefined;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EAGAIN';
}

function abortedError(socketPath: string, signal: AbortSignal | undefined): MvError {
  return new MvError('qmp.connect-failed', `Connecting to QMP socket "${socketPath}" was aborted`, {
    hint: 'The caller gave up, usually because the QEMU process exited.',
    cause: signal?.reason,
  });
}
