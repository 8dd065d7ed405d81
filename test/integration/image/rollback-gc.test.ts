import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blobPath } from '../../../src/image/index.js';
import type { ImageSummary } from '../../../src/protocol/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const CONSOLE = 'application/console';

/** A copy of the bundled tree whose console formula the test edits (each edit is a new image of it). */
function editableTree(): { root: string; setDescription: (text: string | null) => void } {
  const root = mkdtempSync('/tmp/mv-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  const file = path.join(root, CONSOLE, 'formula.yaml');
  const original = readFileSync(file, 'utf8');
  return {
    root,
    setDescription: (text) =>
      writeFileSync(
        file,
        text === null ? original : original.replace(/^description: .*$/m, `description: ${text}`),
      ),
  };
}

describe('rollback protection and image gc', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  let tree: ReturnType<typeof editableTree>;
  const versions = new Map<number, ImageSummary>();
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  const consoleImages = async () =>
    (await daemon.call('image.list', {})).images.filter((image) => image.node === CONSOLE);
  const remember = async () => {
    for (const image of await consoleImages()) if (image.version !== null) versions.set(image.version, image);
  };
  const upAndDown = (name: string) => {
    const up = cli('up', CONSOLE, '--name', name);
    assert.equal(up.status, 0, up.stderr);
    assert.equal(cli('down', name).status, 0);
  };

  before(async () => {
    tree = editableTree();
    daemon = await startTestDaemon({ formulas: tree.root, store: 'private' });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree.root, { recursive: true, force: true });
  });

  it('refuses to boot an older image than one it has booted, until the owner signs a downgrade', async () => {
    upAndDown('first');
    tree.setDescription('the second build of the console');
    upAndDown('second');
    await remember();
    assert.deepEqual([...versions.keys()].sort(), [1, 2], 'each new image of the node gets the next version');

    tree.setDescription(null);
    const refused = cli('up', CONSOLE, '--name', 'back');
    assert.equal(refused.status, 5, refused.stderr);
    assert.match(
      refused.stderr,
      /Image application\/console version 1 is older than version 2, which this host has already booted \[image\.rollback\]\n {2}hint: .*portalgun image allow-downgrade application\/console 1/,
    );
    assertNoLeaks(daemon.run);

    const allowed = cli('image', 'allow-downgrade', CONSOLE, '1');
    assert.equal(allowed.status, 0, allowed.stderr);
    const back = cli('up', CONSOLE, '--name', 'back');
    assert.equal(back.status, 0, back.stderr);
    // The allowed boot lowered the mark: version 1 boots again without another allowance.
    upAndDown('back-again');
    assert.equal(cli('image', 'allow-downgrade', CONSOLE, '1').status, 2, 'nothing older to allow any more');
  });

  it('gc keeps what a running portal and the current formulas use, and frees the rest', async () => {
    tree.setDescription('the third build of the console');
    const built = cli('--json', 'image', 'build', CONSOLE);
    assert.equal(built.status, 0, built.stderr);
    assert.equal((JSON.parse(built.stdout) as { version: number }).version, 3);
    await remember();
    const [v1, v2, v3] = [1, 2, 3].map((v) => versions.get(v));
    assert.ok(v1 && v2 && v3);

    const inUse = cli('image', 'rm', v1.imageKey.slice(7, 19));
    assert.equal(inUse.status, 4, inUse.stderr);
    assert.match(inUse.stderr, /in use by back \[image\.in-use\]/);

    const gc = cli('--json', 'image', 'gc');
    assert.equal(gc.status, 0, gc.stderr);
    const collected = JSON.parse(gc.stdout) as {
      removed: { imageKey: string }[];
      kept: { imageKey: string; why: string }[];
      blobs: string[];
      freedBytes: number;
    };
    assert.deepEqual(
      collected.removed.map((r) => r.imageKey),
      [v2.imageKey],
    );
    assert.deepEqual(
      collected.kept.map((k) => [k.imageKey, k.why]).sort(),
      [
        [v1.imageKey, 'in use'],
        [v3.imageKey, 'current'],
      ].sort(),
    );
    assert.ok(collected.freedBytes > 0 && collected.blobs.length > 0);
    const shown = await daemon.call('image.show', { image: v1.imageKey });
    for (const artifact of (shown.manifest as { artifacts: { digest: string }[] }).artifacts) {
      assert.ok(
        existsSync(blobPath(daemon.state, artifact.digest)),
        `${artifact.digest} of the running image`,
      );
      assert.ok(!collected.blobs.includes(artifact.digest));
    }
    const ping = await daemon.call('portal.exec', { name: 'back', verb: 'ping', args: [] });
    assert.equal(ping.result, 'pong', 'the running portal is untouched');

    assert.equal(cli('down', 'back').status, 0);
    const second = cli('image', 'gc');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`removed  application/console ${v1.imageKey.slice(7, 19)}`));
    assert.match(second.stdout, /freed \d+\.\d MiB in \d+ blobs?/);
    assert.deepEqual(
      (await consoleImages()).map((image) => [image.version, image.current]),
      [[3, true]],
    );
    const verify = cli('image', 'verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });
});
