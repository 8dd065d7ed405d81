import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmationFor } from './confirm.js';

describe('confirmationFor', () => {
  it('proceeds with --yes, whatever else is set', () => {
    for (const json of [true, false])
      for (const terminal of [true, false])
        assert.equal(confirmationFor({ yes: true, json, terminal }), 'proceed');
  });

  it('asks only a person at a terminal, and never with --json', () => {
    assert.equal(confirmationFor({ yes: false, json: false, terminal: true }), 'ask');
    assert.equal(confirmationFor({ yes: false, json: true, terminal: true }), 'refuse');
    assert.equal(confirmationFor({ yes: false, json: false, terminal: false }), 'refuse');
  });
});
