import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../errors/index.js';
import {
  AUDIT_PAGE_BYTES,
  DOOR_ERRORS,
  isDeclaredError,
  METHODS,
  type MethodError,
  type MethodName,
  PORTAL_NAME,
  policyFieldsOf,
  policyTargetsOf,
} from './index.js';
import { AGENT_ERRORS, QMP_ERRORS } from './method-errors.js';

describe('METHODS', () => {
  const exec = METHODS['portal.exec'].params;

  it('fills args: [] for portal.exec', () => {
    assert.deepEqual(exec.parse({ name: 'console', verb: 'ping' }), {
      name: 'console',
      verb: 'ping',
      args: [],
    });
  });

  it('accepts 32 args of 4096 characters and refuses 33 args or a longer arg', () => {
    const long = 'a'.repeat(4096);
    assert.ok(exec.safeParse({ name: 'console', verb: 'run', args: Array(32).fill(long) }).success);
    assert.ok(!exec.safeParse({ name: 'console', verb: 'run', args: Array(33).fill('x') }).success);
    assert.ok(!exec.safeParse({ name: 'console', verb: 'run', args: [`${long}a`] }).success);
  });

  it('refuses unknown fields', () => {
    assert.ok(!exec.safeParse({ name: 'console', verb: 'ping', shell: true }).success);
  });

  it('fills force: false for portal.down', () => {
    assert.deepEqual(METHODS['portal.down'].params.parse({ name: 'console' }), {
      name: 'console',
      force: false,
    });
  });
});

describe('audit.read', () => {
  const params = METHODS['audit.read'].params;

  it('reads from the start, a page of at most 1 MiB, unless told otherwise', () => {
    assert.deepEqual(params.parse({}), { offset: 0, limit: AUDIT_PAGE_BYTES });
    assert.equal(AUDIT_PAGE_BYTES, 1_048_576);
    assert.ok(!params.safeParse({ limit: AUDIT_PAGE_BYTES + 1 }).success);
    assert.ok(!params.safeParse({ offset: -1 }).success);
  });

  it('carries the bytes as base64', () => {
    const result = METHODS['audit.read'].result;
    assert.ok(result.safeParse({ data: Buffer.from('{}\n').toString('base64'), next: 3, size: 3 }).success);
    assert.ok(!result.safeParse({ data: '{}\n', next: 3, size: 3 }).success);
  });
});

describe('PORTAL_NAME', () => {
  it('accepts lower-case DNS labels', () => {
    for (const name of ['a', 'console', 'console-2', 'a1', `a${'b'.repeat(41)}`]) {
      assert.ok(PORTAL_NAME.safeParse(name).success, name);
    }
  });

  it('refuses capitals, leading or trailing dashes, digits first, dots and names over 42 characters', () => {
    for (const name of ['Console', '-a', 'a-', '1a', 'a.b', 'a_b', '', 'a'.repeat(43), 'a'.repeat(44)]) {
      assert.ok(!PORTAL_NAME.safeParse(name).success, JSON.stringify(name));
    }
  });
});

describe('policy targets', () => {
  it('every method names its own parameters as its target', () => {
    for (const [method, spec] of Object.entries(METHODS)) {
      for (const field of spec.target as readonly string[]) {
        assert.ok(
          field in spec.params.shape,
          `${method} targets "${field}", which is not one of its parameters`,
        );
      }
    }
  });

  it('derives every declared field from the validated parameters, the first as the primary, else the host', () => {
    const host = 'haaaaaaaaaaaaaaaaaaaaaaaaaa';
    const targets = (method: MethodName, params: Record<string, unknown>, resolved = {}) =>
      policyTargetsOf(method, params, { hostId: host, resolved });
    assert.deepEqual(targets('portal.up', { formula: 'console.application.portal', name: 'app-x' }), {
      primary: 'console.application.portal',
      fields: { formula: 'console.application.portal', name: 'app-x' },
    });
    assert.deepEqual(
      targets('portal.up', { formula: 'universe' }, { formula: 'service/router/universe', name: 'universe' }),
      {
        primary: 'service/router/universe',
        fields: { formula: 'service/router/universe', name: 'universe' },
      },
      'the values the daemon resolved replace the parameters',
    );
    assert.deepEqual(targets('portal.exec', { name: 'web', verb: 'run', args: ['/bin/busybox'] }), {
      primary: 'web',
      fields: { name: 'web', verb: 'run' },
    });
    assert.deepEqual(targets('image.verify', {}), { primary: '', fields: { image: '' } });
    assert.deepEqual(targets('portal.list', {}), { primary: host, fields: {} });
  });

  it('names the fields of every method and agent verb, and none of an unknown verb', () => {
    assert.deepEqual(policyFieldsOf('portal.up'), ['formula', 'name']);
    assert.deepEqual(policyFieldsOf('agent.status'), ['name']);
    assert.deepEqual(policyFieldsOf('portal.list'), []);
    assert.equal(policyFieldsOf('agent.frobnicate'), undefined);
    assert.equal(policyFieldsOf('portal.frobnicate'), undefined);
  });
});

describe('declared error codes', () => {
  const lists: [string, readonly string[]][] = [
    ['DOOR_ERRORS', DOOR_ERRORS],
    ...Object.entries(METHODS).map(([method, spec]): [string, readonly string[]] => [method, spec.errors]),
  ];

  it('names only registered codes', () => {
    for (const [owner, codes] of lists) {
      for (const code of codes)
        assert.ok(Object.hasOwn(ERROR_CODES, code), `${owner}: ${code} is not registered`);
    }
  });

  it('lists each code once, and no method repeats a door code (every call may get those)', () => {
    for (const [owner, codes] of lists) {
      const repeated = codes.filter((code, index) => codes.indexOf(code) !== index);
      assert.deepEqual(repeated, [], `${owner} lists these twice`);
    }
    for (const [method, spec] of Object.entries(METHODS)) {
      const door = spec.errors.filter((code) => (DOOR_ERRORS as readonly string[]).includes(code));
      assert.deepEqual(door, [], `${method} repeats door codes`);
    }
  });

  it('declares every agent.* code for agent requests (the guest may answer any) and every qmp.* code for QMP', () => {
    const registered = (prefix: string) => Object.keys(ERROR_CODES).filter((code) => code.startsWith(prefix));
    assert.deepEqual([...AGENT_ERRORS].sort(), registered('agent.').sort());
    assert.deepEqual([...QMP_ERRORS].sort(), registered('qmp.').sort());
  });

  it("accepts a method's own codes and the door's, and nothing else", () => {
    assert.ok(isDeclaredError('portal.logs', 'portal.not-found'));
    assert.ok(isDeclaredError('portal.logs', 'auth.denied'));
    assert.ok(isDeclaredError('portal.list', 'internal.bug'));
    assert.ok(!isDeclaredError('portal.logs', 'portal.exists'));
    assert.ok(!isDeclaredError('system.version', 'formula.cycle'));
  });

  it('types the codes of each method (MethodError)', () => {
    const own: MethodError<'portal.logs'> = 'portal.not-found';
    const door: MethodError<'portal.logs'> = 'auth.rate-limited';
    // @ts-expect-error: portal.logs does not declare portal.exists (checked by tsc).
    const other: MethodError<'portal.logs'> = 'portal.exists';
    assert.deepEqual([own, door, other], ['portal.not-found', 'auth.rate-limited', 'portal.exists']);
  });
});
