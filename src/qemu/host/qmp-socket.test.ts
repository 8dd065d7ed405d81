import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { MvError } from '../../errors/index.js';
import { cont, queryStatus, quit } from '../qmp/commands.js';
import { connectQmp, connectQmpRetrying, type QmpConnection } from './qmp-socket.js';

// The greeting QEMU 7.2 on Debian 12 sends, byte for byte.
const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';
const TIMESTAMP = { seconds: 1_700_000_000, microseconds: 5 };

interface FakeCommand {
  readonly execute: string;
  readonly arguments?: Record<string, unknown>;
  readonly id?: number;
}

/** A queue whose `next()` waits for the next item pushed. */
class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiting: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  next(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** One accepted client, seen from the fake QEMU; answers `qmp_capabilities` itself unless told not to. */
class FakeSession {
  readonly received: FakeCommand[] = [];
  readonly #commands = new Inbox<FakeCommand>();
  #buffer = '';

  constructor(
    readonly socket: Socket,
    options: { readonly greet: boolean; readonly handshake: boolean },
  ) {
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      const lines = (this.#buffer + chunk).split('\n');
      this.#buffer = lines.pop() ?? '';
      for (const line of lines) {
        const command = JSON.parse(line) as FakeCommand;
        this.received.push(command);
        if (options.handshake && command.execute === 'qmp_capabilities') this.reply(command, {});
        else this.#commands.push(command);
      }
    });
    if (options.greet) this.raw(`${GREETING}\r\n`);
  }

  next(): Promise<FakeCommand> {
    return this.#commands.next();
  }

  reply(command: FakeCommand, value: unknown): void {
    this.send({ return: value, id: command.id });
  }

  event(name: string, data?: Record<string, unknown>): void {
    this.send({ timestamp: TIMESTAMP, event: name, ...(data ? { data } : {}) });
  }

  send(message: object): void {
    this.raw(`${JSON.stringify(message)}\r\n`);
  }

  raw(text: string): void {
    this.socket.write(text);
  }
}

interface FakeQmp {
  readonly socketPath: string;
  readonly server: Server;
  readonly sessions: Inbox<FakeSession>;
}

async function tempSocketPath(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mv-qmp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'qmp.sock');
}

async function startFakeQmp(
  t: TestContext,
  options: { greet?: boolean; handshake?: boolean; socketPath?: string } = {},
): Promise<FakeQmp> {
  const socketPath = options.socketPath ?? (await tempSocketPath(t));
  const sessions = new Inbox<FakeSession>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    sessions.push(
      new FakeSession(socket, { greet: options.greet ?? true, handshake: options.handshake ?? true }),
    );
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { socketPath, server, sessions };
}

/** A fake server and a client connected to it past the handshake. */
async function connected(t: TestContext): Promise<{ qmp: QmpConnection; session: FakeSession }> {
  const fake = await startFakeQmp(t);
  const qmp = await connectQmp(fake.socketPath, { timeoutMs: 2_000 });
  t.after(() => qmp.close());
  return { qmp, session: await fake.sessions.next() };
}

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<MvError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} rejection`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof MvError, `expected MvError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

describe('connectQmp', () => {
  it('negotiates capabilities before anything else, with id 1', async (t) => {
    const { qmp, session } = await connected(t);
    assert.deepEqual(session.received, [{ execute: 'qmp_capabilities', id: 1 }]);
    const status = cont(qmp);
    session.reply(await session.next(), {});
    await status;
    assert.deepEqual(
      session.received.map((c) => [c.execute, c.id]),
      [
        ['qmp_capabilities', 1],
        ['cont', 2],
      ],
    );
  });

  it('fails with qmp.connect-failed when the socket does not exist or refuses', async (t) => {
    const socketPath = await tempSocketPath(t);
    await rejectsWith(connectQmp(socketPath, { timeoutMs: 1_000 }), 'qmp.connect-failed', /ENOENT/);
    // A plain file where the socket should be refuses like a socket nobody listens on.
    await writeFile(socketPath, '');
    await rejectsWith(connectQmp(socketPath, { timeoutMs: 1_000 }), 'qmp.connect-failed', /ECONNREFUSED/);
  });

  it('times out when the greeting never comes', async (t) => {
    const fake = await startFakeQmp(t, { greet: false });
    await rejectsWith(connectQmp(fake.socketPath, { timeoutMs: 50 }), 'qmp.timeout', /handshake/);
  });

  it('fails with qmp.error when QEMU refuses qmp_capabilities, and closes the socket', async (t) => {
    const fake = await startFakeQmp(t, { handshake: false });
    const connecting = connectQmp(fake.socketPath, { timeoutMs: 2_000 });
    const session = await fake.sessions.next();
    const command = await session.next();
    session.send({
      id: command.id,
      error: { class: 'GenericError', desc: 'Capability negotiation is already complete' },
    });
    await rejectsWith(connecting, 'qmp.error', /GenericError: Capability negotiation/);
    await new Promise((resolve) => session.socket.once('close', resolve));
  });

  it('stops at once when the signal aborts', async (t) => {
    const fake = await startFakeQmp(t, { greet: false });
    const controller = new AbortController();
    const connecting = connectQmp(fake.socketPath, { timeoutMs: 5_000, signal: controller.signal });
    await fake.sessions.next();
    controller.abort();
    await rejectsWith(connecting, 'qmp.connect-failed', /aborted/);
  });
});

describe('connectQmpRetrying', () => {
  it('keeps trying until the socket appears', async (t) => {
    const socketPath = await tempSocketPath(t);
    const connecting = connectQmpRetrying(socketPath, { deadlineMs: 5_000, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await startFakeQmp(t, { socketPath });
    const qmp = await connecting;
    t.after(() => qmp.close());
    assert.equal(qmp.isClosed, false);
  });

  it('gives up with qmp.timeout at the deadline', async (t) => {
    const socketPath = await tempSocketPath(t);
    const error = await rejectsWith(
      connectQmpRetrying(socketPath, { deadlineMs: 60, intervalMs: 10 }),
      'qmp.timeout',
      /did not answer within 60 ms/,
    );
    assert.ok(error.cause instanceof MvError && error.cause.code === 'qmp.connect-failed');
  });
});

describe('QmpConnection.execute', () => {
  it('reads several messages from one chunk and one message split over chunks', async (t) => {
    const { qmp, session } = await connected(t);
    const first = qmp.execute('query-status');
    const second = qmp.execute('query-name');
    const [a, b] = [await session.next(), await session.next()];
    session.raw(
      `${JSON.stringify({ return: { status: 'running', running: true }, id: a.id })}\r\n` +
        `${JSON.stringify({ timestamp: TIMESTAMP, event: 'RESUME' })}\r\n{"return": {"na`,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    session.raw(`me": "p"}, `);
    session.raw(`"id": ${b.id}}\r`);
    session.raw('\n');
    assert.deepEqual(await first, { status: 'running', running: true });
    assert.deepEqual(await second, { name: 'p' });
    assert.equal(qmp.eventCount, 1);
  });

  it('matches out-of-order replies by id', async (t) => {
    const { qmp, session } = await connected(t);
    const calls = ['a', 'b', 'c'].map((name) => qmp.execute(`query-${name}`));
    const commands = [await session.next(), await session.next(), await session.next()];
    assert.deepEqual(
      commands.map((c) => c.id),
      [2, 3, 4],
    );
    for (const command of [...commands].reverse()) session.reply(command, command.execute);
    assert.deepEqual(await Promise.all(calls), ['query-a', 'query-b', 'query-c']);
  });

  it('passes arguments and leaves them out when there are none', async (t) => {
    const { qmp, session } = await connected(t);
    const call = qmp.execute('human-monitor-command', { 'command-line': 'info version' });
    const command = await session.next();
    assert.deepEqual(command, {
      execute: 'human-monitor-command',
      arguments: { 'command-line': 'info version' },
      id: 2,
    });
    session.reply(command, '7.2.22\r\n');
    assert.equal(await call, '7.2.22\r\n');
  });

  it('rejects arguments JSON cannot carry without sending anything', async (t) => {
    const { qmp, session } = await connected(t);
    await assert.rejects(qmp.execute('balloon', { value: 1n }), TypeError);
    const next = qmp.execute('query-balloon');
    const command = await session.next();
    assert.equal(command.execute, 'query-balloon');
    session.reply(command, { actual: 1 });
    assert.deepEqual(await next, { actual: 1 });
  });

  it('delivers events interleaved with replies to listeners, without disturbing the replies', async (t) => {
    const { qmp, session } = await connected(t);
    const seen: string[] = [];
    const unsubscribe = qmp.onEvent((event) => seen.push(`${event.name}:${JSON.stringify(event.data)}`));
    const status = queryStatus(qmp);
    const command = await session.next();
    session.event('STOP');
    session.event('RTC_CHANGE', { offset: 1 });
    session.reply(command, { status: 'paused', singlestep: false, running: false });
    session.event('RESUME');
    assert.deepEqual(await status, { status: 'paused', running: false });
    await qmp.waitForEvent('RESUME', { timeoutMs: 1_000, after: 0 });
    assert.deepEqual(seen, ['STOP:{}', 'RTC_CHANGE:{"offset":1}', 'RESUME:{}']);
    unsubscribe();
    session.event('STOP');
    await qmp.waitForEvent('STOP', { timeoutMs: 1_000 });
    assert.equal(seen.length, 3);
  });

  it('turns an error reply into qmp.error with the QMP class and description', async (t) => {
    const { qmp, session } = await connected(t);
    const call = qmp.execute('nope');
    const command = await session.next();
    session.send({
      id: command.id,
      error: { class: 'CommandNotFound', desc: 'The command nope has not been found' },
    });
    const error = await rejectsWith(
      call,
      'qmp.error',
      /"nope" failed: CommandNotFound: The command nope has not/,
    );
    assert.deepEqual(error.cause, {
      kind: 'error',
      id: command.id,
      errorClass: 'CommandNotFound',
      desc: 'The command nope has not been found',
    });
  });

  it('times out, drops the late reply and keeps working', async (t) => {
    const { qmp, session } = await connected(t);
    const slow = qmp.execute('query-slow', undefined, { timeoutMs: 20 });
    const command = await session.next();
    await rejectsWith(slow, 'qmp.timeout', /"query-slow".*20 ms/);
    session.reply(command, 'late');
    const next = qmp.execute('query-fast');
    session.reply(await session.next(), 'fast');
    assert.equal(await next, 'fast');
    assert.equal(qmp.isClosed, false);
  });

  it('rejects pending commands with qmp.disconnected when the socket closes, and later ones too', async (t) => {
    const { qmp, session } = await connected(t);
    const pending = qmp.execute('query-status');
    await session.next();
    session.socket.destroy();
    await rejectsWith(pending, 'qmp.disconnected');
    await rejectsWith(qmp.execute('query-status'), 'qmp.disconnected', /closed/);
  });

  it('closes on a garbage line and rejects pending commands with qmp.protocol', async (t) => {
    const { qmp, session } = await connected(t);
    const pending = qmp.execute('query-status');
    await session.next();
    session.raw('Welcome to the serial console\r\n');
    await rejectsWith(pending, 'qmp.protocol', /not JSON/);
    const info = await qmp.closed;
    assert.equal(info.reason, 'protocol');
    assert.equal(info.error?.code, 'qmp.protocol');
  });

  it('treats a reply to a command never sent as a protocol error', async (t) => {
    const { qmp, session } = await connected(t);
    session.send({ return: {}, id: 99 });
    const info = await qmp.closed;
    assert.match(info.error?.message ?? '', /id 99, not one this client sent/);
  });
});

describe('quit', () => {
  it('resolves when QEMU replies and then closes', async (t) => {
    const { qmp, session } = await connected(t);
    const quitting = quit(qmp);
    const command = await session.next();
    session.event('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
    session.reply(command, {});
    session.socket.end();
    await quitting;
    assert.equal((await qmp.closed).reason, 'peer');
  });

  it('resolves when QEMU closes the socket without replying', async (t) => {
    const { qmp, session } = await connected(t);
    const before = qmp.eventCount;
    const quitting = quit(qmp);
    await session.next();
    session.event('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
    session.socket.end();
    await quitting;
    // The SHUTDOWN event is still found after the close, through the cursor taken before the command.
    const shutdown = await qmp.waitForEvent('SHUTDOWN', { timeoutMs: 1_000, after: before });
    assert.deepEqual(shutdown.data, { guest: false, reason: 'host-qmp-quit' });
  });

  it('still rejects when the client closes the connection itself', async (t) => {
    const { qmp, session } = await connected(t);
    const quitting = quit(qmp);
    await session.next();
    await qmp.close();
    await rejectsWith(quitting, 'qmp.disconnected');
  });
});

describe('QmpConnection.waitForEvent', () => {
  it('resolves with an event that arrived after a cursor taken earlier', async (t) => {
    const { qmp, session } = await connected(t);
    session.event('STOP');
    await qmp.waitForEvent('STOP', { timeoutMs: 1_000 });
    const mark = qmp.eventCount;
    session.event('RESUME');
    await qmp.waitForEvent('RESUME', { timeoutMs: 1_000 });
    // Without a cursor only events after the call count; with one, the RESUME above is found.
    await rejectsWith(qmp.waitForEvent('RESUME', { timeoutMs: 20 }), 'qmp.timeout', /"RESUME"/);
    assert.equal((await qmp.waitForEvent('RESUME', { timeoutMs: 1_000, after: mark })).name, 'RESUME');
    // Events before the cursor do not count.
    await rejectsWith(qmp.waitForEvent('STOP', { timeoutMs: 20, after: mark }), 'qmp.timeout');
  });

  it('rejects with qmp.disconnected when the socket closes first', async (t) => {
    const { qmp, session } = await connected(t);
    const waiting = qmp.waitForEvent('SHUTDOWN', { timeoutMs: 5_000 });
    session.socket.end();
    await rejectsWith(waiting, 'qmp.disconnected');
  });
});

describe('QmpConnection.onClose', () => {
  it('fires once when the server closes, and for listeners added afterwards', async (t) => {
    const { qmp, session } = await connected(t);
    const reasons: string[] = [];
    qmp.onClose((info) => reasons.push(info.reason));
    const removed = qmp.onClose(() => reasons.push('removed'));
    removed();
    session.socket.end();
    const info = await qmp.closed;
    assert.deepEqual(info, { reason: 'peer' });
    assert.equal(qmp.isClosed, true);
    await new Promise<void>((resolve) => qmp.onClose(() => resolve()));
    await qmp.close();
    assert.deepEqual(reasons, ['peer']);
  });

  it('reports a client close as such', async (t) => {
    const { qmp } = await connected(t);
    const closing = new Promise((resolve) => qmp.onClose(resolve));
    await qmp.close();
    assert.deepEqual(await closing, { reason: 'client' });
  });
});
