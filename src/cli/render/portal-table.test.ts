import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portalSummary } from '../../../test/support/portal-summary.js';
import { renderPortalTable } from './portal-table.js';

describe('the portal table', () => {
  it('shows one row per portal under the ps headings, with - for what a stopped portal lacks', () => {
    const text = renderPortalTable([
      portalSummary({ name: 'console', node: 'application/console' }),
      portalSummary({
        name: 'old',
        node: 'application/console',
        state: 'stopped',
        pid: null,
        uptimeSeconds: null,
      }),
    ]);
    const [header, ready, stopped] = text.split('\n');
    assert.match(header ?? '', /^NAME +FORMULA +STATE +UPTIME +MEMORY +RSS +ACCEL +PID$/);
    assert.match(ready ?? '', /^console +application\/console +ready +.* 192 MiB +.* tcg +4242$/);
    assert.match(stopped ?? '', /^old +application\/console +stopped +- +192 MiB +- +tcg +-$/);
  });

  it('shows the restarts in a row of a portal the daemon restarted', () => {
    const restart = (restarts: number) => ({ policy: 'always' as const, restarts, nextAt: null });
    const text = renderPortalTable([
      portalSummary({ name: 'a', node: 'x/a', state: 'restarting', pid: null, restart: restart(2) }),
      portalSummary({ name: 'b', node: 'x/b', restart: restart(1) }),
      portalSummary({ name: 'c', node: 'x/c', state: 'crashed', pid: null, restart: restart(5) }),
    ]);
    const states = text
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/)[2]);
    assert.deepEqual(states, ['restarting (2)', 'ready (1 restart)', 'crashed (5 restarts)']);
  });
});
