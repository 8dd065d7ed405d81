/**
 * Debian images, built for real in a store of their own: debootstrap's minbase from the Debian mirror, then
 * one erofs layer per formula of the tree that adds packages (apt in a chroot on the host), signed by the
 * owner's session, verified and booted through the daemon with the layers stacked by overlayfs in the guest
 * under the portal's own root image and a throwaway tmpfs. A changed byte in any layer stops the boot.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { blobPath, DEBIAN_BASE_NODE, type ImageRecord } from '../../../src/image/index.js';
import { storeLayout } from '../../../src/image/layout.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { flipByte } from '../../support/tamper.js';

/** A Debian branch of the tree: `tools` adds jq, `tools/pager` adds less on top of it. */
function testTree(): string {
  const root = mkdtempSync('/tmp/mv-debian-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  const tools = path.join(root, 'application', 'tools');
  mkdirSync(path.join(tools, 'pager'), { recursive: true });
  writeFileSync(
    path.join(tools, 'formula.yaml'),
    `description: a small Debian portal
machine: { type: microvm, memory: 512 }
image: { backend: debian }
networks: []
packages: [jq]
agent:
  verbs: [run, status]
  run: [/usr/bin/jq, /usr/bin/dpkg-query, /bin/cat]
`,
  );
  writeFileSync(
    path.join(tools, 'pager', 'formula.yaml'),
    'description: the small Debian portal with a pager\npackages: [less]\nagent:\n  run: [/usr/bin/less]\n',
  );
  const children: [string, string][] = [
    ['cron', 'description: the tools portal with cron running\npackages: [cron]\nservices: [cron]\n'],
    ['ghost', 'description: lists a service its image does not have\nservices: [ghost]\n'],
  ];
  for (const [name, text] of children) {
    mkdirSync(path.join(tools, name), { recursive: true });
    writeFileSync(path.join(tools, name, 'formula.yaml'), text);
  }
  mkdirSync(path.join(tools, 'broken'), { recursive: true });
  writeFileSync(
    path.join(tools, 'broken', 'formula.yaml'),
    'description: asks for a package Debian does not have\npackages: [multiverse-no-such-package]\n',
  );
  return root;
}

describe('Debian images from layers', { timeout: 1_200_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  const run = async (portal: string, args: string[]) =>
    (await daemon.call('portal.exec', { name: portal, verb: 'run', args })).result as {
      exitCode: number;
      stdout: string;
      stderr: string;
    };
  /** The record file of the layer whose file has this digest. */
  const layerRecordFile = (digest: string): string => {
    const dir = path.join(daemon.state, 'store', 'layers');
    const file = readdirSync(dir)
      .map((name) => path.join(dir, name))
      .find((f) => (JSON.parse(readFileSync(f, 'utf8')) as { digest: string }).digest === digest);
    assert.ok(file, `a layer record for ${digest}`);
    return file;
  };
  /** The newest image record of a node in the store. */
  const imageOf = (node: string): ImageRecord => {
    const dir = path.join(daemon.state, 'images', node);
    const [newest] = readdirSync(dir)
      .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
      .map((name) => path.join(dir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return JSON.parse(readFileSync(newest ?? '', 'utf8')) as ImageRecord;
  };

  before(async () => {
    tree = testTree();
    // A store of its own: cold builds, and the test breaks blobs that other tests must not see.
    daemon = await startTestDaemon({ formulas: tree, store: 'private' });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it('builds minbase and one layer per formula, boots them stacked, and runs Debian programs', async () => {
    await daemon.call('portal.up', { formula: 'application/tools/pager', name: 'pager' });
    const jq = await run('pager', ['/usr/bin/jq', '--version']);
    assert.equal(jq.exitCode, 0, jq.stderr);
    assert.match(jq.stdout, /^jq-1\./, 'jq from the tools layer runs');
    const less = await run('pager', ['/usr/bin/less', '--version']);
    assert.match(less.stdout, /^less \d+/, 'less from the pager layer runs');
    const release = await run('pager', ['/bin/cat', '/etc/debian_version']);
    assert.match(release.stdout, /^12\./, 'the root is Debian bookworm');
    const hostname = await run('pager', ['/bin/cat', '/proc/sys/kernel/hostname', '/etc/hostname']);
    assert.equal(hostname.stdout, 'pager\npager\n', "the guest's hostname is the portal's name");
    const view = portalgun(['--run', daemon.run, 'view', 'pager']);
    assert.equal(view.status, 2, 'a portal without a display has nothing to view');
    assert.match(view.stderr, /Portal pager has no display/);
  });

  it('starts the Debian init scripts a formula lists before the portal is ready, and fails a boot without one', async () => {
    await daemon.call('portal.up', { formula: 'application/tools/cron', name: 'cron' });
    const status = (await daemon.call('portal.status', { name: 'cron' })).agent as {
      processes: { name: string }[];
    };
    assert.ok(
      status.processes.some((p) => p.name === 'cron'),
      'cron was started by its init script before ready',
    );
    await daemon.call('portal.down', { name: 'cron' });
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/tools/ghost', name: 'ghost' }),
      (error) => {
        assert.ok(error instanceof MvError, String(error));
        assert.equal(error.code, 'portal.boot-failed', error.message);
        assert.match(error.message, /service ghost: no \/etc\/init\.d\/ghost/);
        return true;
      },
    );
  });

  it("records the layers bottom first, and the image's package list with versions (the SBOM)", async () => {
    const image = imageOf('application/tools/pager');
    assert.equal(image.backend, 'debian');
    assert.deepEqual(
      image.layers.map((l) => l.node),
      [DEBIAN_BASE_NODE, 'application/tools', 'application/tools/pager'],
    );
    assert.ok(image.packages.some((p) => /^jq=1\./.test(p)));
    assert.ok(image.packages.some((p) => /^less=\d/.test(p)));
    assert.ok(image.packages.some((p) => /^dpkg=1\.21/.test(p)));
  });

  it('reuses the layers already built for a parent formula: same digests, nothing rebuilt', async () => {
    const pager = imageOf('application/tools/pager');
    const records = pager.layers.map((layer) => layerRecordFile(layer.digest));
    const before = records.map((file) => statSync(file).mtimeMs);
    await daemon.call('portal.up', { formula: 'application/tools', name: 'tools' });
    const tools = imageOf('application/tools');
    assert.deepEqual(
      tools.layers.map((l) => l.digest),
      pager.layers.slice(0, 2).map((l) => l.digest),
      'the same two layer files',
    );
    assert.deepEqual(
      records.slice(0, 2).map((file) => statSync(file).mtimeMs),
      before.slice(0, 2),
      'neither layer was built again',
    );
    assert.deepEqual(tools.inputs.layers, pager.inputs.layers.slice(0, 2), 'the image keys cover the files');
    const jq = await run('tools', ['/usr/bin/jq', '--version']);
    assert.equal(jq.exitCode, 0, jq.stderr);
  });

  it("reports a failed layer build with apt's reason and leaves no staging folder, mount or record", async () => {
    const records = () => readdirSync(path.join(daemon.state, 'store', 'layers')).sort();
    const before = records();
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/tools/broken', name: 'broken' }),
      (error) => {
        assert.ok(error instanceof MvError, String(error));
        assert.equal(error.code, 'image.build-failed', error.message);
        assert.match(error.message, /^Building the layer of application\/tools\/broken failed: /);
        assert.match(error.message, /Unable to locate package multiverse-no-such-package/);
        return true;
      },
    );
    assert.deepEqual(records(), before, 'no layer record was written');
    assert.deepEqual(readdirSync(storeLayout(daemon.state).staging), [], 'the staging folder is empty');
    // The running portals' share images are mounted under the state folder (shares/); a build mounts nothing
    // that outlives it anywhere else there.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter(
        (point) => point.startsWith(`${daemon.state}/`) && !point.startsWith(`${daemon.state}/shares/`),
      );
    assert.deepEqual(mounts, [], 'nothing the build mounted stays mounted under the state folder');
  });

  it('refuses to boot when one byte of any layer changed, naming the layer; the restored image boots', async () => {
    for (const name of ['pager', 'tools']) await daemon.call('portal.down', { name });
    const image = imageOf('application/tools/pager');
    for (const layer of image.layers) {
      const file = blobPath(daemon.state, layer.digest);
      const restore = flipByte(file);
      try {
        await assert.rejects(
          daemon.call('portal.up', { formula: 'application/tools/pager', name: 'bad' }),
          (error) => {
            assert.ok(error instanceof MvError, String(error));
            assert.equal(error.code, 'image.tampered', error.message);
            const named = `layer ${layer.node} ${layer.digest.slice(0, 19)} does not match its signed digest`;
            assert.ok(error.message.includes(named), error.message);
            return true;
          },
        );
      } finally {
        restore();
      }
      assertNoLeaks(daemon.run);
    }
    await daemon.call('portal.up', { formula: 'application/tools/pager', name: 'restored' });
    await daemon.call('portal.down', { name: 'restored' });
  });

  it("rebuilds a changed parent's layer and its descendants' layers, and nothing below them", async () => {
    const old = imageOf('application/tools/pager');
    const minbase = layerRecordFile(old.layers[0]?.digest ?? '');
    const minbaseBuilt = statSync(minbase).mtimeMs;
    const toolsFormula = path.join(tree, 'application', 'tools', 'formula.yaml');
    writeFileSync(
      toolsFormula,
      readFileSync(toolsFormula, 'utf8').replace('packages: [jq]', 'packages: [jq, file]'),
    );
    await daemon.call('image.prepare', { formula: 'application/tools/pager' });
    const fresh = imageOf('application/tools/pager');
    assert.deepEqual(
      fresh.layers.map((l) => l.node),
      [DEBIAN_BASE_NODE, 'application/tools', 'application/tools/pager'],
    );
    assert.equal(fresh.layers[0]?.digest, old.layers[0]?.digest, 'minbase keeps its file');
    assert.equal(statSync(minbase).mtimeMs, minbaseBuilt, 'minbase was not built again');
    for (const i of [1, 2]) {
      assert.notEqual(fresh.layers[i]?.digest, old.layers[i]?.digest, `layer ${i} was built again`);
    }
    assert.ok(
      fresh.packages.some((p) => /^file=/.test(p)),
      'the SBOM lists the added package',
    );
  });
});
