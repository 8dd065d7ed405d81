import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { blobPath, imageSignaturePath } from '../../../src/image/index.js';
import type { ImageSummary } from '../../../src/protocol/index.js';
import { createIdentity, createSession } from '../../../src/scramble/host/keyring.js';
import { signImageManifest } from '../../../src/scramble/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { TEST_PASSPHRASE, testSession } from '../../support/identity.js';
import { flipByte } from '../../support/tamper.js';

const CONSOLE = 'application/console';

function rejectsWith(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof MvError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  };
}

describe('trusted images: signed, verified before every boot', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  let image: ImageSummary;
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  const consoleImage = async () => {
    const found = (await daemon.call('image.list', {})).images.find((i) => i.node === CONSOLE && i.current);
    assert.ok(found, 'the console image is listed');
    return found;
  };

  before(async () => {
    // A store of its own: these tests change and break blobs that other tests would share.
    daemon = await startTestDaemon({ store: 'private' });
  });
  after(() => daemon.dispose());

  it("boots an image the CLI signed with the owner's session (portalgun up, scramble run up), and lists and shows it", async () => {
    const up = cli('up', CONSOLE, '--name', 'signed');
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stderr, /signing application\/console version 1/);
    assert.match(up.stderr, /verifying base \(/);
    const session = await testSession();
    image = await consoleImage();
    assert.deepEqual(
      [image.version, image.signature, image.signer, image.inUse],
      [1, 'valid', session.signing.kid, ['signed']],
    );
    const shown = cli('image', 'show', CONSOLE);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`signature {2}valid by session key ${session.signing.kid}`));
    assert.match(shown.stdout, /kernel +sha256:[0-9a-f]{64}/);
    assert.match(shown.stdout, /packages {3}busybox-static/);
    const again = cli('up', CONSOLE, '--name', 'signed-2');
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /signing/, 'an image signed once is not signed again');
    const scramble = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/scramble.js'), '--run', daemon.run, 'run', 'up', CONSOLE, 'via-scramble'],
      { encoding: 'utf8' },
    );
    assert.equal(scramble.status, 0, scramble.stderr);
    assert.match(scramble.stdout, /state: ready/);
    for (const name of ['signed', 'signed-2', 'via-scramble']) assert.equal(cli('down', name).status, 0);
    assertNoLeaks(daemon.run);
  });

  it('refuses to boot when one byte of the kernel, initramfs or base changed, naming it; image verify finds it', async () => {
    const shown = await daemon.call('image.show', { image: image.imageKey });
    const artifacts = (shown.manifest as { artifacts: { role: string; digest: string }[] }).artifacts;
    assert.deepEqual(
      artifacts.map((a) => a.role),
      ['kernel', 'initrd', 'base'],
    );
    for (const artifact of artifacts) {
      const restore = flipByte(blobPath(daemon.state, artifact.digest));
      try {
        const refused = cli('up', CONSOLE, '--name', 'tampered');
        assert.equal(refused.status, 1, refused.stderr);
        const named = `${artifact.role} ${artifact.digest.slice(0, 19)} does not match its signed digest`;
        assert.ok(refused.stderr.includes(named), `${artifact.role}: ${refused.stderr}`);
        assert.match(refused.stderr, /\[image\.tampered\]/);
        const verify = cli('image', 'verify');
        assert.equal(verify.status, 1, verify.stderr);
        assert.ok(verify.stdout.includes(`FAILED  ${CONSOLE} v1`), verify.stdout);
        assert.ok(verify.stdout.includes(named), verify.stdout);
        const json = JSON.parse(cli('--json', 'image', 'verify', CONSOLE).stdout) as {
          results: { ok: boolean; problems: { code: string }[] }[];
        };
        assert.deepEqual(
          json.results.map((r) => [r.ok, r.problems.map((p) => p.code)]),
          [[false, ['image.tampered']]],
        );
      } finally {
        restore();
      }
      assertNoLeaks(daemon.run);
    }
    const clean = cli('image', 'verify');
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^ok {6}application\/console v1/m);
  });

  it('refuses an image signed by a key the owner does not trust, an unsigned one, and a signature of another manifest', async () => {
    const prepared = await daemon.call('image.prepare', { formula: CONSOLE });
    const home = mkdtempSync('/tmp/mv-stranger-');
    try {
      const strangerRoot = await createIdentity({
        name: 'stranger',
        passphrase: TEST_PASSPHRASE,
        home,
      });
      const stranger = createSession(strangerRoot, {
        now: Date.now(),
        lifetimeMs: 3_600_000,
        permissions: ['*'],
        home,
      });
      const foreign = signImageManifest(prepared.manifestDigest, stranger.signing, { now: Date.now() });
      const id = { node: prepared.node, imageKey: prepared.imageKey };
      await assert.rejects(
        daemon.callDirect('image.sign', { ...id, signature: { ...foreign } }),
        rejectsWith('image.untrusted-signer', /not by a key of the owner/),
      );
      // Planted straight into the store, as someone with write access to it could.
      const signatureFile = imageSignaturePath(daemon.state, prepared.node, prepared.imageKey);
      writeFileSync(signatureFile, JSON.stringify(foreign));
      await assert.rejects(
        daemon.callDirect('portal.up', { formula: CONSOLE, name: 'stranger' }),
        rejectsWith(
          'image.untrusted-signer',
          /application\/console \(version 1\): Image signature is not by a key of the owner/,
        ),
      );
      rmSync(signatureFile);
      await assert.rejects(
        daemon.callDirect('portal.up', { formula: CONSOLE, name: 'unsigned' }),
        rejectsWith('image.unsigned', /application\/console \(version 1\) has no signature of the owner/),
      );
      const owner = await testSession();
      const otherManifest = `sha256:${'0'.repeat(64)}`;
      writeFileSync(
        signatureFile,
        JSON.stringify(signImageManifest(otherManifest, owner.signing, { now: Date.now() })),
      );
      await assert.rejects(
        daemon.callDirect('portal.up', { formula: CONSOLE, name: 'mismatch' }),
        rejectsWith('image.signature-invalid', /covers manifest sha256:0{64}, not this image's/),
      );
      assertNoLeaks(daemon.run);
      const resigned = cli('up', CONSOLE, '--name', 'resigned');
      assert.equal(resigned.status, 0, resigned.stderr);
      assert.match(resigned.stderr, /signing application\/console version 1/);
      assert.equal(cli('down', 'resigned').status, 0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
