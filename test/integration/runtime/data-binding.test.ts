/**
 * A portal name's share and volumes belong to the formula that made them: another formula started under the
 * same name is refused (`portal.data-mismatch`) and sees nothing of them, until the owner passes
 * `--adopt-data`; the formula they belong to starts under its name as before.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell } from '../../support/uplink-tree.js';
import { VAULTED_FORMULA } from '../../support/vaulted.js';

describe('data bound to its formula', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: VAULTED_FORMULA });
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'keep' });
    writeFileSync(path.join(daemon.state, 'shares', 'keep', 'secret.txt'), 'the wallet seed\n');
    await daemon.call('portal.down', { name: 'keep', force: false });
  });
  after(() => daemon.dispose());

  it("refuses another formula under a name whose share and volumes are another's", async () => {
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/console', name: 'keep' }),
      (error: unknown) =>
        error instanceof MvError &&
        error.code === 'portal.data-mismatch' &&
        /belong to application\/vaulted/.test(error.message),
    );
    const cli = portalgun(['--run', daemon.run, 'up', 'application/console', '--name', 'keep']);
    assert.equal(cli.status, 4, cli.stderr);
    assert.match(cli.stderr, /--adopt-data/);
    assert.ok(existsSync(path.join(daemon.state, 'shares', 'keep', 'secret.txt')), 'the data is untouched');
  });

  it('starts the formula the data belongs to under its name, as before', async () => {
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'keep' });
    await daemon.call('portal.down', { name: 'keep', force: false });
  });

  it('gives the data to another formula when the owner passes --adopt-data', async () => {
    const cli = portalgun([
      '--run',
      daemon.run,
      'up',
      'application/console',
      '--name',
      'keep',
      '--adopt-data',
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    const seen = await portalShell(daemon, 'keep', 'cat /mnt/multiverse-portal/secret.txt');
    assert.equal(seen.stdout, 'the wallet seed\n', seen.stderr);
    await daemon.call('portal.down', { name: 'keep', force: false });
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/vaulted', name: 'keep' }),
      /belong to application\/console/,
      'the data now belongs to the formula that adopted it',
    );
  });
});
