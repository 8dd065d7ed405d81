import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFiles } from '../../../src/instance/index.js';
import { renderLibvirtXml, renderQemuArgs, toArgv } from '../../../src/qemu/index.js';
import { bundledCatalogue } from '../../support/catalogue.js';
import { testInstance } from '../../support/instance.js';

const work = mkdtempSync(path.join(tmpdir(), 'mv-render-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('libvirt XML of every portal', () => {
  it('passes virt-xml-validate', async () => {
    const portals = [...(await bundledCatalogue()).formulas.values()].filter((f) => !f.manifest.abstract);
    assert.equal(portals.length, 23);
    for (const { manifest, hash } of portals) {
      const file = path.join(work, `${manifest.name}.xml`);
      writeFileSync(file, renderLibvirtXml(manifest, testInstance(manifest), { hash }));
      const result = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
      assert.equal(result.error, undefined, 'virt-xml-validate is missing: run scripts/setup.sh');
      assert.equal(result.status, 0, `${manifest.node}: ${result.stderr}${result.stdout}`);
    }
  });

  it("passes virt-xml-validate with the disks' rate capped (iotune in one group)", async () => {
    const console_ = (await bundledCatalogue()).formulas.get('application/console');
    assert.ok(console_);
    const manifest = {
      ...console_.manifest,
      limits: { ...console_.manifest.limits, diskBandwidth: 2, diskIops: 100 },
    };
    const file = path.join(work, 'capped.xml');
    const xml = renderLibvirtXml(manifest, testInstance(manifest), { hash: console_.hash });
    assert.match(xml, /<iotune>\s*<total_bytes_sec>2097152<\/total_bytes_sec>/);
    writeFileSync(file, xml);
    const result = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stderr}${result.stdout}`);
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
      const instance = testInstance(manifest);
      // The plan's files, where the daemon and the image store would have them, moved under `dir`.
      const local = (file: string) =>
        file.replaceAll('/run/multiverse/portals', dir).replaceAll('/var/lib/multiverse', dir);
      const { artifacts } = instance;
      assert.ok(artifacts.base);
      const base = local(artifacts.base.path);
      const rawImages = [base, ...artifacts.layers.map(local)];
      const disks = Object.values(instance.disks).map(local);
      for (const file of [...rawImages, local(instance.overlay), ...disks]) {
        mkdirSync(path.dirname(file), { recursive: true });
      }
      mkdirSync(local(instance.shareDir), { recursive: true });
      mkdirSync(local(runFiles(instance.runDir).logs), { recursive: true });
      for (const args of [
        ...rawImages.map((file) => ['create', '-q', '-f', 'raw', file, '16M']),
        ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'raw', local(instance.overlay)],
        ...disks.map((disk) => ['create', '-q', '-f', 'qcow2', disk, '16M']),
      ]) {
        assert.equal(spawnSync('qemu-img', args).status, 0, 'qemu-img failed: run scripts/setup.sh');
      }
      const qemu = startPaused(toArgv(renderQemuArgs(manifest, instance)), dir);
      let stderr = '';
      qemu.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const qmp = path.join(local(instance.runDir), 'qmp.sock');
      for (let waited = 0; waited < 15_000 && !existsSync(qmp) && qemu.exitCode === null; waited += 50)
        await sleep(50);
      const running = qemu.exitCode === null;
      qemu.kill('SIGKILL');
      assert.ok(running && existsSync(qmp), `QEMU refused the argv of ${node}: ${stderr}`);
    });
  }
});
