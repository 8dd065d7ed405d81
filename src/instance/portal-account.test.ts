import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountsInPortalRange, allocatePortalUid, isPortalUid, PORTAL_UIDS } from './portal-account.js';

describe('portal accounts', () => {
  it('gives the lowest uid of the range no running portal holds', () => {
    assert.equal(allocatePortalUid(new Set()), PORTAL_UIDS.first);
    assert.equal(
      allocatePortalUid(new Set([PORTAL_UIDS.first, PORTAL_UIDS.first + 2])),
      PORTAL_UIDS.first + 1,
    );
  });
  it('refuses when every uid is held', () => {
    const all = new Set(Array.from({ length: PORTAL_UIDS.count }, (_, i) => PORTAL_UIDS.first + i));
    assert.throws(() => allocatePortalUid(all), /portal accounts are in use/);
  });
  it('knows its range, which fits a signed 32-bit id', () => {
    assert.ok(isPortalUid(PORTAL_UIDS.first));
    assert.ok(!isPortalUid(PORTAL_UIDS.first - 1));
    assert.ok(!isPortalUid(PORTAL_UIDS.first + PORTAL_UIDS.count));
    assert.ok(PORTAL_UIDS.first + PORTAL_UIDS.count < 2 ** 31);
  });
  it('finds login accounts that would share a uid with a portal', () => {
    const passwd = `root:x:0:0::/root:/bin/sh\nodd:x:${PORTAL_UIDS.first + 5}:100::/:/bin/false\n`;
    assert.deepEqual(accountsInPortalRange(passwd), ['odd']);
    assert.deepEqual(accountsInPortalRange('root:x:0:0::/root:/bin/sh\n'), []);
  });
});
