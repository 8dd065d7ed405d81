import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import {
  checkAuth,
  checkCall,
  errorFromFailure,
  parseRequest,
  parseResponse,
  REQUEST_LIMITS,
} from './protocol.js';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const refusal = (payload: Buffer) => {
  const parsed = parseRequest(payload);
  assert.equal(parsed.ok, false);
  return parsed.ok ? undefined : parsed.response;
};

describe('parseRequest', () => {
  it('accepts exactly {id, verb, args}', () => {
    assert.deepEqual(parseRequest(bytes({ id: 7, verb: 'run', args: ['/bin/true'] })), {
      ok: true,
      request: { id: 7, verb: 'run', args: ['/bin/true'] },
    });
    assert.equal(parseRequest(bytes({ id: 0xffff_ffff, verb: 'ping', args: [] })).ok, true);
  });

  it('accepts an optional base64url "auth" of at most 98304 characters', () => {
    const auth = `${'A'.repeat(REQUEST_LIMITS.maxAuthChars - 2)}-_`;
    assert.deepEqual(parseRequest(bytes({ auth, id: 7, verb: 'ping', args: [] })), {
      ok: true,
      request: { id: 7, verb: 'ping', args: [], auth },
    });
    for (const bad of ['', 'a=', 'a+b', 'a/b', 'a b', 'A'.repeat(REQUEST_LIMITS.maxAuthChars + 1)]) {
      const response = refusal(bytes({ id: 8, verb: 'ping', args: [], auth: bad }));
      assert.deepEqual([response?.id, response?.ok === false && response.error.code], [8, 'agent.bad-frame']);
      assert.equal(checkAuth(bad)?.code, 'agent.bad-frame');
      const message = response?.ok === false ? response.error.message : '';
      assert.equal(message, 'Request "auth" must be 1-98304 characters of base64url');
    }
    assert.equal(checkAuth('QUJD'), undefined);
  });

  it('answers agent.bad-frame with id 0 when the id cannot be read', () => {
    const cases = [
      Buffer.from([0xc3, 0x28]),
      bytes('{"id":1,'),
      bytes('[1]'),
      bytes('null'),
      bytes({ id: 0, verb: 'ping', args: [] }),
      bytes({ id: 2 ** 32, verb: 'ping', args: [] }),
      bytes({ id: 1.5, verb: 'ping', args: [] }),
      bytes({ id: '1', verb: 'ping', args: [] }),
      bytes({ verb: 'ping', args: [] }),
    ];
    for (const payload of cases) {
      const response = refusal(payload);
      assert.deepEqual([response?.id, response?.ok === false && response.error.code], [0, 'agent.bad-frame']);
    }
  });

  it('answers agent.bad-frame with the id for any other shape', () => {
    const cases = [
      { id: 3, verb: 'ping', args: [], extra: true },
      { id: 3, verb: 'ping' },
      { id: 3, verb: 1, args: [] },
      { id: 3, verb: 'ping', args: 'x' },
      { id: 3, verb: 'ping', args: [1] },
      { id: 3, verb: 'ping', args: [], auth: null },
      { id: 3, verb: 'ping', args: [], auth: ['QUJD'] },
      { id: 3, verb: 'ping', args: [], auth: 'QUJD', extra: true },
    ];
    for (const value of cases) {
      const response = refusal(bytes(value));
      assert.deepEqual([response?.id, response?.ok === false && response.error.code], [3, 'agent.bad-frame']);
    }
  });

  it('enforces the caps with agent.bad-args, then knows its verbs', () => {
    const code = (verb: string, args: string[]) => checkCall(verb, args)?.code;
    assert.equal(code('ping', []), undefined);
    assert.equal(code('run', Array(32).fill('a')), undefined);
    assert.equal(code('run', Array(33).fill('a')), 'agent.bad-args');
    assert.equal(code('run', ['é'.repeat(2048)]), undefined);
    assert.equal(code('run', [`${'é'.repeat(2048)}x`]), 'agent.bad-args');
    for (const bad of ['a\nb', 'a\u0000', 'a\u001f', 'a\u007f', 'a\ud800b'])
      assert.equal(code('run', [bad]), 'agent.bad-args');
    assert.equal(code('run', ['tab\u0080ok']), undefined);
    for (const bad of ['Ping', 'ping\n', '', 'p1ng', '-ping', 'p'.repeat(33)])
      assert.equal(code(bad, []), 'agent.bad-args');
    assert.equal(code('p'.repeat(32), []), 'agent.unknown-verb');
    assert.equal(code('format-disk', []), 'agent.unknown-verb');
  });
});

describe('parseResponse', () => {
  it('reads results and errors, including id 0', () => {
    assert.deepEqual(parseResponse(bytes({ id: 1, ok: true, result: { a: [1] } })), {
      id: 1,
      ok: true,
      result: { a: [1] },
    });
    assert.deepEqual(
      parseResponse(bytes({ id: 0, ok: false, error: { code: 'agent.bad-frame', message: 'm' } })),
      {
        id: 0,
        ok: false,
        error: { code: 'agent.bad-frame', message: 'm' },
      },
    );
  });

  it('rejects anything else', () => {
    const cases = [
      'nope',
      { id: 1, ok: true },
      { id: 1, ok: true, result: 1, more: 1 },
      { id: -1, ok: true, result: 1 },
      { id: 1, ok: false, error: 'x' },
      { id: 1, ok: false, error: { code: 1, message: 'm' } },
      { id: 1, ok: 'yes', result: 1 },
    ];
    for (const value of cases) assert.equal(parseResponse(bytes(value)), undefined, JSON.stringify(value));
  });
});

describe('errorFromFailure', () => {
  it('keeps known agent codes and nothing else', () => {
    const busy = errorFromFailure({ code: 'agent.busy', message: 'later' });
    assert.deepEqual([busy instanceof MvError, busy.code, busy.message], [true, 'agent.busy', 'later']);
    for (const code of ['internal.bug', 'agent.invented', 'x']) {
      const error = errorFromFailure({ code, message: 'm' });
      assert.equal(error.code, 'agent.command-failed');
      assert.match(error.message, new RegExp(`agent code "${code}"`));
    }
  });

  it('cleans control characters and caps the length of the guest’s message', () => {
    const error = errorFromFailure({ code: 'agent.bad-args', message: `a\u001b[31mb\n${'x'.repeat(1000)}` });
    assert.equal(error.message.slice(0, 8), 'a [31mb ');
    assert.equal(error.message.length, 500);
  });
});
