/**
 * `image.portalgun`: an image carries the portalgun the host runs (controllers run it one level down). A
 * console a user made with the field runs the same portalgun and scramble as the host, reading its own copy
 * of the formula tree, and has a /dev/kvm for the portals it would nest (its doctor says so); what is
 * installed is the build, the tree and the daemon's run-time packages only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageVersion } from '../../../src/cli/version.js';
import { MvError } from '../../../src/errors/index.js';
import { portalgunFiles } from '../../../src/image/host/portalgun-files.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell } from '../../support/uplink-tree.js';

const USER_FORMULAS = {
  'application/nested-console': `extends: application/console
description: a console carrying the host's portalgun
machine: { memory: 512 }
image: { portalgun: true }
`,
};

const version = packageVersion();

describe('an image with the host portalgun installed', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it('runs portalgun and scramble in the guest, the same version, with its own formula tree', async () => {
    await daemon.call('portal.up', { formula: 'application/nested-console', name: 'nested' });
    const seen = await portalShell(
      daemon,
      'nested',
      'portalgun --version && scramble --version && portalgun --json formula show controller/router',
    );
    assert.equal(seen.exitCode, 0, seen.stderr);
    const [first, second, ...rest] = seen.stdout.split('\n');
    assert.equal(first, version);
    assert.equal(second, version);
    const shown = JSON.parse(rest.join('\n')) as {
      manifest: { node: string; image: { portalgun: boolean } };
    };
    assert.equal(shown.manifest.node, 'controller/router');
    assert.equal(shown.manifest.image.portalgun, true, 'the tree it reads is the bundled one');
    const native = await portalShell(
      daemon,
      'nested',
      'ls /usr/lib/multiverse/portalgun/node_modules/better-sqlite3/build/Release; ls /usr/lib/multiverse/portalgun/node_modules | grep -c -x -e typescript -e esbuild -e tsx',
    );
    assert.match(
      native.stdout,
      /^better_sqlite3\.node$/m,
      'the daemon’s native package, built for this Node',
    );
    assert.match(native.stdout, /^0$/m, 'no development packages');
    // Nested portals get KVM: QEMU's -cpu max under TCG offers AMD SVM, so the guest's kvm_amd loads.
    const doctor = await portalShell(daemon, 'nested', 'ls -l /dev/kvm >&2; portalgun --json doctor');
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; detail: string }[] }).checks;
    assert.match(doctor.stderr, /^crw.* \/dev\/kvm$/m, doctor.stderr);
    assert.match(checks.find((check) => check.name === 'accelerator')?.detail ?? '', /^kvm\b/);
    await daemon.call('portal.down', { name: 'nested', force: false });
  });

  it('installs the run-time packages Node would find, without sources, tests or maps', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'mv-portalgun-files-'));
    try {
      const write = (file: string, text = 'x\n') => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      write(
        'package.json',
        JSON.stringify({
          name: 'multiverse',
          dependencies: { a: '1', native: '1' },
          devDependencies: { dev: '1' },
        }),
      );
      write('bin/portalgun.js');
      await assert.rejects(portalgunFiles(root), (error: unknown) => {
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'image.build-failed');
        assert.match(error.message, /dist\/cli is missing/);
        assert.match(error.hint ?? '', /npm run build/);
        return true;
      });
      write('dist/cli/portalgun.js');
      write('dist/guest/agent.mjs');
      write('dist/man/portalgun.1');
      write('dist/cli/portalgun.js.map');
      write('dist/src/daemon/main.js');
      write('dist/src/daemon/main.test.js');
      write('dist/test/support/daemon.js');
      write('formulas/application/formula.yaml');
      write(
        'node_modules/a/package.json',
        JSON.stringify({ dependencies: { b: '1' }, optionalDependencies: { gone: '1' } }),
      );
      write('node_modules/a/index.js');
      write('node_modules/a/README.md');
      write('node_modules/a/node_modules/b/package.json', '{}');
      write('node_modules/b/package.json', '{"name":"hoisted b, shadowed for a"}');
      write('node_modules/native/package.json', '{}');
      write('node_modules/native/binding.gyp');
      write('node_modules/native/src/addon.cc');
      write('node_modules/native/deps/sqlite3.c');
      write('node_modules/native/build/Release/addon.node');
      write('node_modules/native/build/Release/obj.target/addon.o');
      write('node_modules/native/lib/index.js');
      write('node_modules/dev/package.json', '{}');
      assert.deepEqual(
        (await portalgunFiles(root)).map((file) => file.path),
        [
          'bin/portalgun.js',
          'dist/cli/portalgun.js',
          'dist/guest/agent.mjs',
          'dist/man/portalgun.1',
          'dist/src/daemon/main.js',
          'formulas/application/formula.yaml',
          'node_modules/a/index.js',
          'node_modules/a/node_modules/b/package.json',
          'node_modules/a/package.json',
          'node_modules/native/build/Release/addon.node',
          'node_modules/native/lib/index.js',
          'node_modules/native/package.json',
          'package.json',
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
