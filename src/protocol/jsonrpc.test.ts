import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, type ErrorCode, exitCodeOf, MvError } from '../errors/index.js';
import { errorFromRpc, errorToRpc, RESPONSE } from './index.js';

/** The wire form as the CLI sees it: serialised and parsed again. */
const overTheWire = (error: MvError) => {
  const parsed = RESPONSE.parse(
    JSON.parse(JSON.stringify({ jsonrpc: '2.0', id: 1, error: errorToRpc(error) })),
  );
  assert.ok('error' in parsed);
  return parsed.error;
};

describe('errorToRpc / errorFromRpc', () => {
  it('keeps the code, message, hint and location and maps the category to the exit code', () => {
    const where = { file: 'formulas/application/console/formula.yaml', line: 3, column: 5, path: 'machine' };
    const original = new MvError('portal.not-found', 'No portal "console-9"', {
      hint: 'List portals with "portalgun ps".',
      where,
    });
    const wire = errorToRpc(original);
    assert.deepEqual(wire, {
      code: 3,
      message: 'No portal "console-9"',
      data: { code: 'portal.not-found', hint: 'List portals with "portalgun ps".', where },
    });
    const back = errorFromRpc(overTheWire(original));
    assert.ok(back instanceof MvError);
    assert.equal(back.code, 'portal.not-found');
    assert.equal(back.message, original.message);
    assert.equal(back.hint, original.hint);
    assert.deepEqual(back.where, where);
  });

  it('uses each category exit code as the JSON-RPC error code', () => {
    const expected: [ErrorCode, number][] = [
      ['qemu.exited', 1],
      ['formula.syntax', 2],
      ['portal.not-found', 3],
      ['portal.exists', 4],
      ['agent.verb-not-allowed', 5],
      ['host.missing-tool', 6],
      ['portal.boot-timeout', 7],
      ['internal.bug', 10],
      ['cli.interrupted', 130],
    ];
    for (const [code, exit] of expected) {
      assert.equal(errorToRpc(new MvError(code, 'x')).code, exit, code);
    }
  });

  it('round-trips every known code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const wire = overTheWire(new MvError(code, `message of ${code}`));
      assert.equal(wire.code, exitCodeOf(code));
      assert.equal(errorFromRpc(wire).code, code);
    }
  });

  it('leaves out an absent hint and location', () => {
    const wire = errorToRpc(new MvError('qmp.timeout', 'QMP did not answer'));
    assert.deepEqual(wire.data, { code: 'qmp.timeout' });
    const back = errorFromRpc(wire);
    assert.equal(back.hint, undefined);
    assert.equal(back.where, undefined);
  });

  it('turns a code it does not know into internal.bug, keeping the message', () => {
    const back = errorFromRpc({
      message: 'from a newer daemon',
      data: { code: 'portal.teleported', hint: 'h' },
    });
    assert.equal(back.code, 'internal.bug');
    assert.equal(back.message, 'from a newer daemon');
    assert.equal(back.hint, 'h');
    assert.equal(errorFromRpc({ message: 'm', data: { code: 'toString' } }).code, 'internal.bug');
  });
});
