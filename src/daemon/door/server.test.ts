import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { exitCodeOf, MvError } from '../../errors/index.js';
import { MAX_LINE_BYTES, PROBE_METHOD, SIGNED_CALL } from '../../protocol/index.js';
import { type Gate, type HandlerContext, isListening, serve } from './server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-server-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let socketCount = 0;
const PROBE_RESULT = { version: 'test', protocol: 1 };

/** A signed call as the wire carries it (the server passes the envelope on unread). */
const signedCall = (id: number | string, envelope: string) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: SIGNED_CALL, params: { envelope } });

/** The server on a fresh socket, with a gate whose signed calls `handle` answers; waits until it listens. */
async function startServer(handle: Gate['signedCall'] = async () => ({ ok: true })) {
  const socketPath = path.join(dir, `daemon-${++socketCount}.sock`);
  const calls: { envelope: string; context: HandlerContext }[] = [];
  const logs: string[] = [];
  let probes = 0;
  const server = serve(
    socketPath,
    {
      probe: async () => {
        probes += 1;
        return PROBE_RESULT;
      },
      signedCall: (envelope, context) => {
        calls.push({ envelope, context });
        return handle(envelope, context);
      },
    },
    (line) => logs.push(line),
  );
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { socketPath, server, calls, logs, probes: () => probes };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A raw client: everything the server wrote, as text, and a way to wait for more. */
class Client {
  text = '';
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(socketPath: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => resolve(new Client(socket)));
    });
  }

  /** The first `count` lines the server wrote, parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: replies are inspected field by field
  messages(count = this.text.split('\n').length - 1): any[] {
    return this.text
      .split('\n')
      .slice(0, count)
      .map((line) => JSON.parse(line));
  }

  /** Waits until `count` complete lines have arrived. */
  lines(count: number): Promise<void> {
    return this.until(() => this.text.split('\n').length - 1 >= count, `${count} lines`);
  }

  /** Waits until the server has closed the connection. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) resolve();
      else this.socket.once('close', () => resolve());
    });
  }

  async until(condition: () => boolean, what: string): Promise<void> {
    while (!condition()) {
      if (this.closed) throw new Error(`connection closed before ${what}; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Sends `lines` on a fresh connection and returns the first `count` messages the server writes back. */
async function exchange(socketPath: string, lines: string[], count = lines.length) {
  const client = await Client.connect(socketPath);
  try {
    client.socket.write(lines.map((line) => `${line}\n`).join(''));
    await client.lines(count);
    return client.messages(count);
  } finally {
    client.close();
  }
}

describe('daemon socket server', () => {
  it('listens on a socket only its owner may use, replacing a stale file at the path', async () => {
    const socketPath = path.join(dir, 'stale.sock');
    writeFileSync(socketPath, 'left over by a crashed daemon');
    const server = serve(
      socketPath,
      { probe: async () => PROBE_RESULT, signedCall: async () => null },
      () => {},
    );
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const info = statSync(socketPath);
      assert.ok(info.isSocket(), 'the path is now a socket');
      assert.equal(info.mode & 0o777, 0o600);
      assert.equal(await isListening(socketPath), true);
    } finally {
      await closeServer(server);
    }
    assert.equal(await isListening(socketPath), false);
    assert.equal(await isListening(path.join(dir, 'never-created.sock')), false);
  });

  it('answers the version probe without a signature, echoing the request id', async () => {
    const { socketPath, server, calls, probes } = await startServer();
    try {
      const [reply] = await exchange(socketPath, [
        JSON.stringify({ jsonrpc: '2.0', id: 'p-1', method: PROBE_METHOD }),
      ]);
      assert.deepEqual(reply, { jsonrpc: '2.0', id: 'p-1', result: PROBE_RESULT });
      assert.equal(probes(), 1);
      assert.equal(calls.length, 0);
    } finally {
      await closeServer(server);
    }
  });

  it('frames requests by newline: one split over several writes, several in one write', async () => {
    const { socketPath, server, calls } = await startServer(async (envelope) => ({ echoed: envelope }));
    try {
      const client = await Client.connect(socketPath);
      try {
        const first = signedCall(1, 'env-one');
        client.socket.write(first.slice(0, 10));
        client.socket.write(first.slice(10, 30));
        client.socket.write(`${first.slice(30)}\n${signedCall(2, 'env-two')}\n${signedCall(3, 'env-three')}`);
        await client.lines(2);
        client.socket.write('\n');
        await client.lines(3);
        const replies = client.messages(3).sort((a, b) => a.id - b.id);
        assert.deepEqual(replies, [
          { jsonrpc: '2.0', id: 1, result: { echoed: 'env-one' } },
          { jsonrpc: '2.0', id: 2, result: { echoed: 'env-two' } },
          { jsonrpc: '2.0', id: 3, result: { echoed: 'env-three' } },
        ]);
        assert.deepEqual(
          calls.map((call) => call.envelope),
          ['env-one', 'env-two', 'env-three'],
        );
      } finally {
        client.close();
      }
    } finally {
      await closeServer(server);
    }
  });

  it('decodes a character whose bytes arrive in two reads whole', async () => {
    const { socketPath, server } = await startServer();
    try {
      const client = await Client.connect(socketPath);
      try {
        const line = Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: 'é', method: PROBE_METHOD })}\n`);
        const cut = line.indexOf(0xc3) + 1;
        client.socket.write(line.subarray(0, cut));
        await new Promise((resolve) => setTimeout(resolve, 100));
        client.socket.write(line.subarray(cut));
        await client.lines(1);
        assert.deepEqual(client.messages(1), [{ jsonrpc: '2.0', id: 'é', result: PROBE_RESULT }]);
      } finally {
        client.close();
      }
    } finally {
      await closeServer(server);
    }
  });

  it('answers a line that is not JSON, or not a JSON-RPC request, with a protocol error and keeps the connection', async () => {
    const { socketPath, server, calls } = await startServer();
    try {
      const replies = await exchange(socketPath, [
        '{"jsonrpc":"2.0","id":1,',
        JSON.stringify({ jsonrpc: '1.0', id: 2, method: PROBE_METHOD }),
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: PROBE_METHOD, extra: true }),
        JSON.stringify({ jsonrpc: '2.0', id: { nested: 1 }, method: PROBE_METHOD }),
        JSON.stringify({ jsonrpc: '2.0', id: 5, method: PROBE_METHOD }),
      ]);
      const protocol = exitCodeOf('daemon.protocol');
      assert.deepEqual(replies.slice(0, 4), [
        {
          jsonrpc: '2.0',
          id: null,
          error: { code: protocol, message: 'Request is not JSON', data: { code: 'daemon.protocol' } },
        },
        ...[2, 3, 4].map(() => ({
          jsonrpc: '2.0',
          id: null,
          error: { code: protocol, message: 'Malformed JSON-RPC request', data: { code: 'daemon.protocol' } },
        })),
      ]);
      assert.deepEqual(replies[4], { jsonrpc: '2.0', id: 5, result: PROBE_RESULT });
      assert.equal(calls.length, 0);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses any other method, and a signed call without exactly an envelope, as unsigned', async () => {
    const { socketPath, server, calls } = await startServer();
    try {
      const replies = await exchange(socketPath, [
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'portal.list', params: {} }),
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: SIGNED_CALL }),
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: SIGNED_CALL, params: { envelope: 7 } }),
        JSON.stringify({
          jsonrpc: '2.0',
          id: 4,
          method: SIGNED_CALL,
          params: { envelope: 'e', method: 'x' },
        }),
        JSON.stringify({
          jsonrpc: '2.0',
          id: 5,
          method: SIGNED_CALL,
          params: { envelope: 'e'.repeat(200_001) },
        }),
      ]);
      assert.deepEqual(
        replies.map((reply) => reply.id),
        [1, 2, 3, 4, 5],
      );
      for (const reply of replies) {
        assert.equal(reply.error.code, exitCodeOf('auth.denied'));
        assert.equal(reply.error.message, 'Unsigned requests are refused');
        assert.equal(reply.error.data.code, 'auth.denied');
        assert.match(reply.error.data.hint, /signed envelope/);
      }
      assert.equal(calls.length, 0, 'the gate never saw an unsigned request');
    } finally {
      await closeServer(server);
    }
  });

  it('sends progress as notifications carrying the request id, before the reply', async () => {
    const { socketPath, server } = await startServer(async (_envelope, context) => {
      context.progress('building the image');
      context.notify({ sealed: { enc: 'e', ct: 'c' } });
      context.progress('booting');
      return { name: 'work' };
    });
    try {
      const messages = await exchange(socketPath, [signedCall('up-7', 'env')], 4);
      assert.deepEqual(messages, [
        { jsonrpc: '2.0', method: 'progress', params: { id: 'up-7', message: 'building the image' } },
        { jsonrpc: '2.0', method: 'progress', params: { id: 'up-7', sealed: { enc: 'e', ct: 'c' } } },
        { jsonrpc: '2.0', method: 'progress', params: { id: 'up-7', message: 'booting' } },
        { jsonrpc: '2.0', id: 'up-7', result: { name: 'work' } },
      ]);
    } finally {
      await closeServer(server);
    }
  });

  it('turns a handler failure into an error reply; only an unexpected one is logged, with its stack', async () => {
    const { socketPath, server, logs } = await startServer(async (envelope) => {
      if (envelope === 'known') {
        throw new MvError('portal.not-found', 'No portal "work"', { hint: 'See "portalgun ps".' });
      }
      throw new Error('kaboom');
    });
    try {
      const [known, unexpected] = await exchange(socketPath, [signedCall(1, 'known'), signedCall(2, 'bug')]);
      const byId = [known, unexpected].sort((a, b) => a.id - b.id);
      assert.deepEqual(byId[0], {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: exitCodeOf('portal.not-found'),
          message: 'No portal "work"',
          data: { code: 'portal.not-found', hint: 'See "portalgun ps".' },
        },
      });
      assert.equal(byId[1].id, 2);
      assert.equal(byId[1].error.data.code, 'internal.bug');
      assert.match(byId[1].error.message, /kaboom/);
      assert.equal(logs.length, 1, 'the expected refusal is not logged');
      assert.match(logs[0] ?? '', /^internal error: Error: kaboom\n\s+at /);
    } finally {
      await closeServer(server);
    }
  });

  it('aborts a running request when its client goes away', async () => {
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let aborted: (reason: unknown) => void = () => {};
    const abortReason = new Promise<unknown>((resolve) => {
      aborted = resolve;
    });
    const { socketPath, server, calls } = await startServer(
      (_envelope, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener(
            'abort',
            () => {
              aborted(context.signal.reason);
              reject(context.signal.reason);
            },
            { once: true },
          );
          started();
        }),
    );
    try {
      const client = await Client.connect(socketPath);
      client.socket.write(`${signedCall(1, 'up')}\n`);
      await running;
      assert.equal(calls[0]?.context.signal.aborted, false, 'not aborted while the client waits');
      client.close();
      const reason = await abortReason;
      assert.ok(reason instanceof MvError, `an MvError, not ${String(reason)}`);
      assert.equal(reason.code, 'cli.interrupted');
    } finally {
      await closeServer(server);
    }
  });

  it('hands the connection to a handler that takes it over, after writing the reply', async () => {
    const seen: string[] = [];
    let taken: (socket: Socket) => void = () => {};
    const takenSocket = new Promise<Socket>((resolve) => {
      taken = resolve;
    });
    const { socketPath, server, calls } = await startServer(async (_envelope, context) => {
      context.takeOver((socket) => {
        socket.on('data', (chunk: Buffer) => seen.push(chunk.toString('utf8')));
        socket.write('login: ');
        taken(socket);
      });
      return { attached: true };
    });
    try {
      const client = await Client.connect(socketPath);
      try {
        client.socket.write(`${signedCall(9, 'console')}\n`);
        await client.until(() => client.text.endsWith('login: '), 'the console prompt');
        const [reply, raw] = client.text.split('\n');
        assert.deepEqual(JSON.parse(reply ?? ''), { jsonrpc: '2.0', id: 9, result: { attached: true } });
        assert.equal(raw, 'login: ');
        // From here on the bytes are the taker's: not parsed, never answered with a protocol error.
        client.socket.write('root\n{"jsonrpc":"2.0","id":10,"method":"system.version"}\n');
        const socket = await takenSocket;
        await new Promise<void>((resolve) => {
          const check = () => (seen.join('').includes('system.version') ? resolve() : undefined);
          socket.on('data', check);
          check();
        });
        assert.equal(seen.join(''), 'root\n{"jsonrpc":"2.0","id":10,"method":"system.version"}\n');
        assert.equal(client.text, `${reply}\nlogin: `);
        assert.equal(calls.length, 1);
      } finally {
        client.close();
      }
    } finally {
      await closeServer(server);
    }
  });

  it('refuses a line longer than the limit and closes the connection', async () => {
    const { socketPath, server, calls } = await startServer();
    try {
      const client = await Client.connect(socketPath);
      client.socket.write('x'.repeat(MAX_LINE_BYTES + 1));
      await client.end();
      const [reply] = client.messages(1);
      assert.deepEqual(reply, {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: exitCodeOf('daemon.protocol'),
          message: 'Request line too long',
          data: { code: 'daemon.protocol' },
        },
      });
      assert.equal(calls.length, 0);
    } finally {
      await closeServer(server);
    }
  });
});
