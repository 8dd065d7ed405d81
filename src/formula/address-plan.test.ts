import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import {
  addressOn,
  allocateApplicationAddress,
  cidrOf,
  hostNumberOn,
  macFor,
  parseIpv4,
  roleOfHost,
} from './address-plan.js';

describe('address plan', () => {
  it('places the three router networks and the app network as the design says', () => {
    assert.deepEqual(
      ['universe', 'galaxy', 'star', 'app'].map((n) => cidrOf(n as never)),
      ['10.0.0.0/24', '10.1.1.0/24', '10.2.2.0/24', '10.3.3.0/24'],
    );
  });

  it('gives every host number its role', () => {
    const roles = [1, 2, 9, 10, 99, 100, 199, 200, 254].map(roleOfHost);
    assert.deepEqual(roles, [
      'router',
      'infrastructure',
      'infrastructure',
      'fixed',
      'fixed',
      'application',
      'application',
      'reserved',
      'reserved',
    ]);
  });

  it('derives MACs from the address behind 00:00:10, never 52:54:00', () => {
    assert.equal(macFor('10.2.2.10'), '00:00:10:02:02:0a');
    assert.equal(macFor('10.0.0.1'), '00:00:10:00:00:01');
    assert.equal(macFor('10.1.1.199', '00:16:3e'), '00:16:3e:01:01:c7');
  });

  it('parses dotted quads strictly', () => {
    assert.deepEqual(parseIpv4('10.2.2.10'), [10, 2, 2, 10]);
    for (const bad of ['10.2.2', '10.2.2.256', '010.2.2.1', '10.2.2.1 ', 'a.b.c.d'])
      assert.equal(parseIpv4(bad), undefined, bad);
  });

  it('knows which network an address is on', () => {
    assert.equal(hostNumberOn('star', '10.2.2.77'), 77);
    assert.equal(hostNumberOn('star', '10.1.1.77'), undefined);
  });

  it('hands out the lowest free application address and fails when the range is full', () => {
    assert.equal(allocateApplicationAddress('star', new Set()), '10.2.2.100');
    assert.equal(allocateApplicationAddress('star', new Set(['10.2.2.100', '10.2.2.101'])), '10.2.2.102');
    const full = new Set(Array.from({ length: 100 }, (_, i) => addressOn('star', 100 + i)));
    assert.throws(
      () => allocateApplicationAddress('star', full),
      (e: unknown) => e instanceof MvError && e.code === 'plan.address-exhausted',
    );
  });
});
