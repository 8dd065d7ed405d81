import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatches } from './envelope.js';

describe('globMatches (policy patterns)', () => {
  const table: [string, string, boolean][] = [
    ['portal.up', 'portal.up', true],
    ['portal.up', 'portal.upx', false],
    ['portal.up', 'xportal.up', false],
    ['portal.*', 'portal.up', true],
    ['portal.*', 'portal.', true],
    ['portal.*', 'portals.up', false],
    ['*', '', true],
    ['*', 'anything.at-all', true],
    ['*.up', 'portal.up', true],
    ['*.up', 'portal.down', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'abcbc', true],
    ['a*b*c', 'aXbY', false],
    ['**', 'x', true],
    ['agent.?', 'agent.x', false],
    ['work-*', 'work-mail', true],
    ['Portal.up', 'portal.up', false],
  ];
  for (const [pattern, text, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} "${text}"`, () => {
      assert.equal(globMatches(pattern, text), expected);
    });
  }

  it('stays fast on a pattern built to backtrack', () => {
    const pattern = `${'a*'.repeat(30)}b`;
    assert.equal(globMatches(pattern, 'a'.repeat(2000)), false);
  });
});
