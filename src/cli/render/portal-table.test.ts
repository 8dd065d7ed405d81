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
});
