import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestFormulaSources } from './tree-digest.js';

const a = { node: 'application', file: 'formulas/application/formula.yaml', text: 'class: application\n' };
const b = { node: 'application/x', file: 'formulas/application/x/formula.yaml', text: 'description: x\n' };

describe('digestFormulaSources', () => {
  it('depends on the nodes and texts, not on the order read or the names shown', () => {
    const digest = digestFormulaSources([a, b]);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(digestFormulaSources([b, a]), digest);
    assert.equal(digestFormulaSources([{ ...a, file: '/elsewhere/formula.yaml' }, b]), digest);
  });

  it('changes with any byte of any file, and with a file added', () => {
    const digest = digestFormulaSources([a, b]);
    assert.notEqual(digestFormulaSources([a, { ...b, text: 'description: x \n' }]), digest);
    assert.notEqual(digestFormulaSources([a]), digest);
  });
});
