import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { bundledTreeWith, NO_DAEMON_RUN, portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { hideFolders } from '../../support/hidden-folders.js';

const BUNDLED = path.join(REPO_ROOT, 'formulas');
const NODE = 'application/only-in-a';

describe("one formula tree per host: the daemon's", { timeout: 120_000 }, () => {
  let daemon: TestDaemon;
  let treeA: string;
  before(async () => {
    treeA = bundledTreeWith({ [NODE]: 'extends: application/console\ndescription: only in tree A\n' });
    // The daemon learns its tree from the environment alone, as `PORTALGUN_FORMULAS=… portalgun daemon` does.
    daemon = await startTestDaemon({ withKernel: false, env: { PORTALGUN_FORMULAS: treeA } });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(treeA, { recursive: true, force: true });
  });

  it('reports the tree it boots from, with its digest, in system.version', async () => {
    const { formulas } = await daemon.call('system.version', {});
    assert.equal(formulas.dir, treeA);
    assert.match(formulas.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it("plans from the daemon's tree, and says so when --formulas or the environment names another", () => {
    const plain = portalgun(['--run', daemon.run, 'plan', NODE]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(
      plain.stderr,
      `plan: no image of ${NODE} is built here: store paths named not-built:* stand in for it\n`,
    );
    const flagged = portalgun(['--run', daemon.run, '--formulas', BUNDLED, 'plan', NODE]);
    assert.equal(flagged.status, 0, flagged.stderr);
    assert.equal(flagged.stdout, plain.stdout);
    assert.match(
      flagged.stderr,
      new RegExp(
        `^note: using the daemon's formula tree ${treeA}, not ${BUNDLED} \\(--formulas\\): it is what boots\\nplan: no image`,
      ),
    );
    const viaEnv = portalgun(['--run', daemon.run, 'net', 'ls'], { env: { PORTALGUN_FORMULAS: BUNDLED } });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    assert.match(viaEnv.stderr, /note: using the daemon's formula tree .* \(\$PORTALGUN_FORMULAS\)/);
  });

  it("gets the daemon's tree from the daemon: plan, route, net and formula list work where the CLI cannot see its folder", async () => {
    const plain = portalgun(['--run', daemon.run, 'plan', NODE]);
    const hidden = await hideFolders([treeA]);
    try {
      const wrap = hidden.argv;
      // In the namespace the CLI runs in, the daemon's folder is empty: reading it yields no formula.
      const looked = portalgun(['--formulas', treeA, 'formula', 'list'], { wrap });
      assert.match(looked.stderr, /holds no formula\.yaml \[formula\.empty-tree\]/);
      const planned = portalgun(['--run', daemon.run, 'plan', NODE], { wrap });
      assert.equal(planned.status, 0, planned.stderr);
      assert.equal(planned.stdout, plain.stdout);
      assert.equal(planned.stderr, plain.stderr, 'no note: the tree came from the daemon, as it is');
      const route = portalgun(['--run', daemon.run, 'route', NODE], { wrap });
      assert.equal(route.status, 0, route.stderr);
      assert.match(route.stdout, /only-in-a/);
      const net = portalgun(['--run', daemon.run, 'net', 'ls'], { wrap });
      assert.equal(net.status, 0, net.stderr);
      const listed = portalgun(['--run', daemon.run, 'formula', 'list'], { wrap });
      assert.match(listed.stdout, /only-in-a/);
    } finally {
      hidden.close();
    }
    // Asking is a signed call like any other: authorised and audited.
    assert.match(
      readFileSync(`${daemon.state}/audit.log`, 'utf8'),
      /"decision":"allow".*"verb":"formula\.tree"/,
    );
  });

  it('reads its own tree when no daemon answers, and says so', () => {
    const own = portalgun(['plan', NODE]);
    assert.equal(own.status, 3, 'the bundled tree has no such node');
    assert.match(own.stderr, /No formula "application\/only-in-a"/);
    assert.match(
      own.stderr,
      new RegExp(
        `^note: no daemon answers, so this reads the formula tree ${BUNDLED} itself \\(the bundled tree\\)\n`,
      ),
    );
    const named = portalgun(['--formulas', treeA, 'plan', NODE]);
    assert.equal(named.status, 0, named.stderr);
    assert.match(
      named.stderr,
      new RegExp(
        `^note: no daemon answers, so this reads the formula tree ${treeA} itself \\(--formulas\\)\n`,
      ),
    );
  });

  it("lists the tree you name, noting the daemon boots another; else the daemon's", () => {
    const daemons = portalgun(['--run', daemon.run, 'formula', 'list']);
    assert.match(daemons.stdout, /only-in-a/);
    const named = portalgun(['--run', daemon.run, '--formulas', BUNDLED, 'formula', 'list']);
    assert.equal(named.status, 0, named.stderr);
    assert.doesNotMatch(named.stdout, /only-in-a/);
    assert.match(
      named.stderr,
      new RegExp(`note: showing ${BUNDLED} \\(--formulas\\); the daemon boots from ${treeA}`),
    );
  });

  it("shows the folders of --run and $PORTALGUN_STATE, and the daemon's host id, in the plan", async () => {
    const { hostId } = await daemon.call('system.version', {});
    const live = portalgun(['--run', daemon.run, 'plan', 'application/console'], {
      env: { PORTALGUN_STATE: '/srv/mv-state' },
    });
    assert.equal(live.status, 0, live.stderr);
    assert.match(
      live.stdout,
      new RegExp(`^${daemon.run}/portals/console/overlay\\.qcow2|file=${daemon.run}/portals/console/`, 'm'),
    );
    assert.match(live.stdout, /\/srv\/mv-state\/store\/sha256\/not-built:debian-generic-vmlinux/);
    assert.match(live.stdout, new RegExp(`multiverse\\.host=${hostId}`));
    const offline = portalgun(['plan', 'application/console'], { env: { PORTALGUN_RUN: '/srv/mv-run' } });
    assert.match(offline.stdout, /\/srv\/mv-run\/portals\/console\//);
    assert.match(offline.stdout, /\/var\/lib\/multiverse\/store\/sha256\/not-built:/);
    assert.match(offline.stderr, /^plan: no daemon answers, so no image of application\/console is known: /m);
    assert.ok(!offline.stdout.includes(NO_DAEMON_RUN));
  });
});
