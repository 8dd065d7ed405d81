import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { encodeCommand, parseQmpMessage, QmpLineSplitter } from './codec.js';

// The greeting QEMU 7.2 on Debian 12 sends, byte for byte.
const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';

function assertProtocolError(run: () => unknown, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MvError);
    assert.equal(error.code, 'qmp.protocol');
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('QmpLineSplitter', () => {
  it('returns every line of a chunk holding several messages, without CR LF', () => {
    const splitter = new QmpLineSplitter();
    assert.deepEqual(splitter.push('{"a": 1}\r\n{"b": 2}\r\n\r\n{"c"'), ['{"a": 1}', '{"b": 2}']);
    assert.deepEqual(splitter.push(': 3}\n'), ['{"c": 3}']);
  });

  it('joins one message split over many chunks, even between CR and LF', () => {
    const splitter = new QmpLineSplitter();
    const pieces = ['{"ret', 'urn": {}', ', "id": 1}\r', '\n'];
    assert.deepEqual(
      pieces.flatMap((piece) => splitter.push(piece)),
      ['{"return": {}, "id": 1}'],
    );
  });

  it('refuses a line longer than the cap, finished or not', () => {
    assertProtocolError(() => new QmpLineSplitter({ maxLineLength: 8 }).push('123456789\n'), /longer than 8/);
    const splitter = new QmpLineSplitter({ maxLineLength: 8 });
    assert.deepEqual(splitter.push('1234'), []);
    assertProtocolError(() => splitter.push('56789'));
    assert.deepEqual(new QmpLineSplitter({ maxLineLength: 8 }).push('12345678\r\n'), ['12345678']);
  });
});

describe('parseQmpMessage', () => {
  it('parses the real QEMU 7.2 greeting', () => {
    assert.deepEqual(parseQmpMessage(GREETING), {
      kind: 'greeting',
      version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' },
      capabilities: ['oob'],
    });
  });

  it('parses returns, with and without an id, of any JSON value', () => {
    assert.deepEqual(parseQmpMessage('{"return": {}, "id": 1}'), { kind: 'return', id: 1, value: {} });
    assert.deepEqual(parseQmpMessage('{"return": [1, "a"]}'), {
      kind: 'return',
      id: undefined,
      value: [1, 'a'],
    });
    assert.deepEqual(parseQmpMessage('{"return": null, "id": 0}'), { kind: 'return', id: 0, value: null });
  });

  it('parses error replies, including the id-less one QEMU sends for unreadable input', () => {
    assert.deepEqual(
      parseQmpMessage(
        '{"id": 3, "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}',
      ),
      { kind: 'error', id: 3, errorClass: 'CommandNotFound', desc: 'The command nope has not been found' },
    );
    assert.deepEqual(parseQmpMessage('{"error": {"class": "GenericError", "desc": "JSON parse error"}}'), {
      kind: 'error',
      id: undefined,
      errorClass: 'GenericError',
      desc: 'JSON parse error',
    });
  });

  it('parses events with and without data', () => {
    assert.deepEqual(
      parseQmpMessage(
        '{"timestamp": {"seconds": 1795702960, "microseconds": 340745}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}',
      ),
      {
        kind: 'event',
        name: 'SHUTDOWN',
        data: { guest: false, reason: 'host-qmp-quit' },
        timestamp: { seconds: 1795702960, microseconds: 340745 },
      },
    );
    const resume = parseQmpMessage('{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}');
    assert.deepEqual(resume.kind === 'event' && resume.data, {});
  });

  it('ignores members it does not know, as the QMP compatibility rules ask', () => {
    assert.deepEqual(parseQmpMessage('{"return": {}, "id": 1, "future": true}'), {
      kind: 'return',
      id: 1,
      value: {},
    });
  });

  it('rejects everything that is not one well-formed QMP message', () => {
    const garbage: [string, RegExp][] = [
      ['Welcome to the serial console', /not JSON/],
      ['[1, 2]', /not a JSON object/],
      ['"return"', /not a JSON object/],
      ['null', /not a JSON object/],
      ['{}', /found 0/],
      ['{"return": {}, "error": {"class": "X", "desc": "y"}}', /found 2/],
      ['{"return": {}, "id": "x"}', /id/],
      ['{"return": {}, "id": 1.5}', /id/],
      ['{"return": {}, "id": -1}', /id/],
      ['{"error": {"class": "X"}, "id": 1}', /error\.desc/],
      ['{"event": "STOP"}', /timestamp/],
      ['{"event": "", "timestamp": {"seconds": 1, "microseconds": 2}}', /event/],
      ['{"event": "X", "data": [], "timestamp": {"seconds": 1, "microseconds": 2}}', /data/],
      ['{"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": []}}', /QMP\.version/],
    ];
    for (const [line, message] of garbage) assertProtocolError(() => parseQmpMessage(line), message);
  });

  it('quotes only a short excerpt of a long garbage line', () => {
    assertProtocolError(
      () => parseQmpMessage('x'.repeat(10_000)),
      /^Invalid QMP message \(not JSON\): "x{60}…"$/,
    );
  });
});

describe('encodeCommand', () => {
  it('writes one line with the id, leaving out absent arguments', () => {
    assert.equal(encodeCommand('qmp_capabilities', undefined, 1), '{"execute":"qmp_capabilities","id":1}\n');
    assert.equal(
      encodeCommand('human-monitor-command', { 'command-line': 'info\nversion' }, 7),
      '{"execute":"human-monitor-command","arguments":{"command-line":"info\\nversion"},"id":7}\n',
    );
  });
});
