import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/** The bundled tree plus a console whose kernel cannot find its init, so QEMU exits during boot. */
function treeWithBrokenPortal(): string {
  const root = mkdtempSync('/tmp/mv-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  mkdirSync(path.join(root, 'application/broken'));
  writeFileSync(
    path.join(root, 'application/broken/formula.yaml'),
    'extends: application/console\ndescription: boots a kernel without its init\nboot:\n  cmdline: [rdinit=/does-not-exist]\n',
  );
  return root;
}

describe('bad input and faults at runtime', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  before(async () => {
    tree = treeWithBrokenPortal();
    daemon = await startTestDaemon({ formulas: tree });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it('refuses unknown formulas (3), abstract layers (2) and a universe router without its LAN (6)', () => {
    const unknown = cli('up', 'application/nope');
    assert.equal(unknown.status, 3, unknown.stderr);
    assert.match(unknown.stderr, /No formula "application\/nope" \[formula\.not-found\]/);
    assert.equal(cli('up', 'application/browser').status, 2);
    const networked = cli('up', 'service/router/universe');
    assert.equal(networked.status, 6, networked.stderr);
    assert.match(
      networked.stderr,
      /uplink namespace "multiverse-lan" does not exist \[net\.unavailable\]\n {2}hint: /,
    );
    assertNoLeaks(daemon.run);
  });

  it('shows the last console lines when QEMU exits during boot, and cleans up', () => {
    const result = cli('up', 'application/broken');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /QEMU exited during boot\n--- last console lines ---\n[\s\S]*Kernel panic/);
    assert.match(result.stderr, /\[qemu\.exited\]/);
    assertNoLeaks(daemon.run);
  });

  it('refuses a taken name (4), a verb the formula does not allow (5) and unknown portals (3)', () => {
    assert.equal(cli('up', 'application/console', '--name', 'taken').status, 0);
    const again = cli('up', 'application/console', '--name', 'taken');
    assert.equal(again.status, 4);
    assert.match(again.stderr, /\[portal\.exists\]/);
    const denied = cli('exec', 'taken', 'net-config');
    assert.equal(denied.status, 5, denied.stderr);
    assert.match(denied.stderr, /does not accept "net-config" \[agent\.verb-not-allowed\]/);
    const notAllowedProgram = cli('exec', 'taken', 'run', '/bin/cat', '/etc/passwd');
    assert.equal(notAllowedProgram.status, 5, notAllowedProgram.stderr);
    assert.equal(cli('down', 'ghost').status, 3);
    const json = JSON.parse(cli('--json', 'ps').stdout) as {
      name: string;
      state: string;
      accel: string;
      memoryMiB: number;
    }[];
    const taken = json.find((p) => p.name === 'taken');
    assert.deepEqual([taken?.state, taken?.accel, taken?.memoryMiB], ['ready', 'tcg', 256]);
    assert.equal(cli('down', 'taken').status, 0);
    assert.equal(cli('rm', 'taken').status, 0);
    assertNoLeaks(daemon.run);
  });

  it('undoes a half-done up when the CLI is interrupted with Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/portalgun.js'),
        '--run',
        daemon.run,
        'up',
        'application/console',
        '--name',
        'halfway',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('booting')) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 130, stderr);
    for (let i = 0; i < 100; i++) {
      const state = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'halfway')?.state;
      if (state === 'stopped') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(
      (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'halfway')?.state,
      'stopped',
    );
    assertNoLeaks(daemon.run);
  });
});

describe('host faults', { timeout: 120_000 }, () => {
  it('refuses to boot without a kernel in the image store (6), with the fix in the hint', async () => {
    const daemon = await startTestDaemon({ withKernel: false });
    try {
      const result = portalgun(['--run', daemon.run, 'up', 'application/console']);
      assert.equal(result.status, 6, result.stderr);
      assert.match(
        result.stderr,
        /Kernel "debian-generic" is not in the image store \[image\.kernel-missing\]\n {2}hint: Install it: portalgun image kernel/,
      );
      assertNoLeaks(daemon.run);
    } finally {
      await daemon.dispose();
    }
  });

  it('reports a full disk while creating the overlay, and leaves nothing behind', async () => {
    const daemon = await startTestDaemon();
    const portals = path.join(daemon.run, 'portals');
    mkdirSync(portals, { recursive: true });
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'tmpfs', portals]);
    assert.equal(mount.status, 0, String(mount.stderr));
    try {
      const result = portalgun(['--run', daemon.run, 'up', 'application/console']);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /No space left on device[\s\S]*\[host\.disk-full\]/);
      assert.deepEqual(readdirSync(portals), []);
    } finally {
      spawnSync('umount', [portals]);
      await daemon.dispose();
    }
  });
});
