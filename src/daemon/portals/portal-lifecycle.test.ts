import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PORTAL_STATES } from '../../protocol/index.js';
import { allows, type PortalAction, requireAllowed } from './portal-lifecycle.js';

/** Every state × action, as the table must say it: R = ready only, S = stopped or crashed only. */
const EXPECTED: Readonly<Record<PortalAction, string>> = {
  agent: 'R',
  console: 'R',
  screenshot: 'R',
  remove: 'S',
};

describe('the portal lifecycle table', () => {
  for (const [action, rule] of Object.entries(EXPECTED) as [PortalAction, string][]) {
    it(`allows ${action} only when the portal is ${rule === 'R' ? 'ready' : 'stopped or crashed'}`, () => {
      for (const state of PORTAL_STATES) {
        const expected = rule === 'R' ? state === 'ready' : state === 'stopped' || state === 'crashed';
        assert.equal(allows(state, action), expected, `${action} in ${state}`);
      }
    });
  }

  it('refuses with portal.wrong-state, the state it is in and what to do', () => {
    assert.throws(() => requireAllowed({ name: 'web', state: 'starting' }, 'agent'), {
      code: 'portal.wrong-state',
      message: 'Portal "web" is starting, not ready',
      hint: /portalgun ps/,
    });
    assert.throws(() => requireAllowed({ name: 'web', state: 'ready' }, 'remove'), {
      code: 'portal.wrong-state',
      message: 'Portal "web" is ready, not stopped or crashed',
      hint: /--force/,
    });
    assert.doesNotThrow(() => requireAllowed({ name: 'web', state: 'crashed' }, 'remove'));
  });
});
