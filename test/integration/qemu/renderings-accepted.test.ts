import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { previewInstance, renderLibvirtXml, renderQemuArgs, toArgv } from '../../../src/qemu/index.js';
import { bundledCatalogue } from '../../support/catalogue.js';

const work = mkdtempSync(path.join(tmpdir(), 'mv-render-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('libvirt XML of every portal', () => {
  it('passes virt-xml-validate', async () => {
    const portals = [...(await bundledCatalogue()).formulas.values()].filter((f) => !f.manifest.abstract);
    assert.equal(portals.length, 23);
    for (const { manifest, hash } of portals) {
      const file = path.join(work, `${manifest.name}.xml`);
      writeFileSync(file, renderLibvirtXml(manifest, previewInstance(manifest), { hash }));
      const result = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
      assert.equal(result.error, undefined, 'virt-xml-validate is missing: run scripts/setup.sh');
      assert.equal(result.status, 0, `${manifest.node}: ${result.stderr}${result.stdout}`);
    }
  });
});

/** Replaces the default host paths with ones under `dir`, drops what needs a kernel or a tap, and starts QEMU paused. */
function startPaused(argv: readonly string[], dir: string): ChildProcess {
  const local = argv.map((token) =>
    token.replaceAll('/run/multiverse/portals', dir).replaceAll('/var/lib/multiverse', dir),
  );
  const kept: string[] = [];
  for (let i = 0; i < local.length; i++) {
    const flag = local[i] ?? '';
    const value = local[i + 1] ?? '';
    if (['-kernel', '-initrd', '-append'].includes(flag)) i++;
    else if (flag === '-netdev' && value.startsWith('tap,')) i += 3;
    else kept.push(flag);
  }
  return spawn('qemu-system-x86_64', [...kept, '-S'], { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('QEMU argv', () => {
  for (const node of [
    'application/console',
    'service/router/universe',
    'service/router/star',
    'application/browser/firefox',
  ]) {
    it(`is accepted by qemu-system-x86_64 for ${node} (all options parsed, devices created)`, async () => {
      const resolved = (await bundledCatalogue()).formulas.get(node);
      assert.ok(resolved);
      const { manifest } = resolved;
      const dir = path.join(work, manifest.name);
      const instance = previewInstance(manifest);
      const imageDir = path.join(dir, 'images', manifest.node);
      mkdirSync(imageDir, { recursive: true });
      mkdirSync(path.join(dir, manifest.name), { recursive: true });
      mkdirSync(path.join(dir, 'shares', manifest.name), { recursive: true });
      const base = path.join(imageDir, 'base.qcow2');
      const overlay = path.join(dir, manifest.name, 'overlay.qcow2');
      // The formula's extra disks (star's Tor volume), where the daemon would have made them.
      const disks = Object.values(instance.disks).map((file) =>
        file.replaceAll('/run/multiverse/portals', dir).replaceAll('/var/lib/multiverse', dir),
      );
      for (const disk of disks) mkdirSync(path.dirname(disk), { recursive: true });
      for (const args of [
        ['create', '-q', '-f', 'qcow2', base, '16M'],
        ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay],
        ...disks.map((disk) => ['create', '-q', '-f', 'qcow2', disk, '16M']),
      ]) {
        assert.equal(spawnSync('qemu-img', args).status, 0, 'qemu-img failed: run scripts/setup.sh');
      }
      const qemu = startPaused(toArgv(renderQemuArgs(manifest, instance)), dir);
      let stderr = '';
      qemu.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const qmp = path.join(dir, manifest.name, 'qmp.sock');
      for (let waited = 0; waited < 15_000 && !existsSync(qmp) && qemu.exitCode === null; waited += 50)
        await sleep(50);
      const running = qemu.exitCode === null;
      qemu.kill('SIGKILL');
      assert.ok(running && existsSync(qmp), `QEMU refused the argv of ${node}: ${stderr}`);
    });
  }
});
