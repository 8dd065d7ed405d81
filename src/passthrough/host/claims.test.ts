import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { heldDevices } from '../index.js';
import { claimsDirOf, readClaim, readClaims, removeClaim, saveClaim } from './claims.js';

describe('claim files', () => {
  const run = mkdtempSync('/tmp/mv-claims-');
  after(() => rmSync(run, { recursive: true, force: true }));
  const dir = claimsDirOf(run);
  const router = {
    portal: 'universe',
    pci: [{ address: '0000:03:00.0', iommuGroup: 3, driver: 'igb' }],
    groups: [{ group: 3, uid: 0, gid: 0, mode: 0o600 }],
    usb: [],
  };
  const vault = { portal: 'vault', pci: [], groups: [], usb: ['1-2'] };

  it('keeps one root-only file per portal, says who holds what, and forgets a claim', async () => {
    await saveClaim(dir, router);
    await saveClaim(dir, vault);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(dir, 'universe.json')).mode & 0o777, 0o600);
    assert.deepEqual(await readClaim(dir, 'universe'), router);
    assert.equal(await readClaim(dir, 'nobody'), null);
    assert.deepEqual(
      [...heldDevices(await readClaims(dir))],
      [
        ['0000:03:00.0', 'universe'],
        ['1-2', 'vault'],
      ],
    );
    await removeClaim(dir, 'vault');
    assert.deepEqual(
      (await readClaims(dir)).map((c) => c.portal),
      ['universe'],
    );
    assert.deepEqual(await readClaims(path.join(run, 'none')), []);
  });

  it('refuses a damaged claim instead of guessing what it held', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"portal":"broken"}');
    await assert.rejects(readClaims(dir), {
      code: 'passthrough.bind-failed',
      message: /broken\.json is damaged/,
    });
  });
});
