import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBootIdentity } from './boot-identity.js';

const HOST_ID = `h${'x'.repeat(26)}`;
const CMDLINE = `console=ttyS0 panic=-1 multiverse.host=${HOST_ID} multiverse.instance=web-1 quiet\n`;

describe('boot identity', () => {
  it('reads the host id and instance wherever they stand on the command line', () => {
    assert.deepEqual(parseBootIdentity(CMDLINE), {
      ok: true,
      identity: { hostId: HOST_ID, instance: 'web-1' },
    });
    assert.deepEqual(parseBootIdentity(`multiverse.instance=a\tmultiverse.host=${HOST_ID}`), {
      ok: true,
      identity: { hostId: HOST_ID, instance: 'a' },
    });
  });

  it('refuses a missing, malformed or repeated entry', () => {
    const cases: [string, RegExp][] = [
      ['', /no multiverse\.host=/],
      ['multiverse.instance=web-1', /no multiverse\.host=/],
      [`multiverse.host=${HOST_ID}`, /no multiverse\.instance=/],
      [`multiverse.host=${HOST_ID} multiverse.instance`, /multiverse\.instance must be a DNS label/],
      [`multiverse.host=${HOST_ID} multiverse.instance=Web`, /DNS label/],
      [`multiverse.host=${HOST_ID} multiverse.instance=a.b`, /DNS label/],
      [`multiverse.host=${HOST_ID} multiverse.instance=${'a'.repeat(64)}`, /DNS label/],
      ['multiverse.host=h123 multiverse.instance=web-1', /multiverse\.host must be/],
      [`multiverse.host=${HOST_ID.toUpperCase()} multiverse.instance=web-1`, /multiverse\.host must be/],
      [`multiverse.host=x${HOST_ID.slice(1)} multiverse.instance=web-1`, /multiverse\.host must be/],
      [`multiverse.host="${HOST_ID}" multiverse.instance=web-1`, /multiverse\.host must be/],
      [`${CMDLINE} multiverse.instance=other`, /2 multiverse\.instance= entries/],
      [`${CMDLINE} multiverse.host=${HOST_ID}`, /2 multiverse\.host= entries/],
    ];
    for (const [cmdline, reason] of cases) {
      const parsed = parseBootIdentity(cmdline);
      assert.equal(parsed.ok, false, cmdline);
      assert.match(parsed.ok ? '' : parsed.problem, reason, cmdline);
    }
  });
});
