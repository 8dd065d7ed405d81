import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { TEST_HOST_ID } from '../../test/support/instance.js';
import type { Manifest } from '../formula/index.js';
import { DEFAULT_DIRS } from '../instance/index.js';
import { renderLibvirtXml } from '../qemu/index.js';
import { type PortalPlan, planOfInstance, planPortal, portsOfInstance, standInBootImage } from './index.js';

/**
 * A router, applications of both machine types (media: a read-only share subfolder, so a second, read-only
 * export) and the user controller, each in both renderings.
 */
const GOLDEN_NODES = [
  'service/router/universe',
  'service/router/star',
  'application/console',
  'application/browser/firefox',
  'application/media',
  'controller/user',
];

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const slug = (node: string) => node.replaceAll('/', '-');

async function planOf(node: string, edit: (manifest: Manifest) => Manifest = (manifest) => manifest) {
  const catalogue = await bundledCatalogue();
  const resolved = catalogue.formulas.get(node);
  assert.ok(resolved);
  const manifest = edit(resolved.manifest);
  const manifestOf = (n: string) => catalogue.formulas.get(n)?.manifest;
  const plan = planPortal({
    name: manifest.name,
    manifest,
    image: standInBootImage(DEFAULT_DIRS.stateRoot, manifest, manifestOf),
    manifests: [...catalogue.formulas.values()].map((f) => f.manifest),
    dirs: DEFAULT_DIRS,
    hostId: TEST_HOST_ID,
    accel: 'tcg',
    tscKhz: 2_600_000,
  });
  return { plan, manifest, hash: resolved.hash };
}

describe('the plan of a portal: QEMU argv, libvirt XML and ports golden files (what the daemon starts)', () => {
  for (const node of GOLDEN_NODES) {
    it(`plans ${node}`, async () => {
      const { plan, manifest, hash } = await planOf(node);
      assertGolden(testdata(`${slug(node)}.argv`), `${plan.argv.join('\n')}\n`);
      assertGolden(testdata(`${slug(node)}.xml`), renderLibvirtXml(manifest, plan.instance, { hash }));
      assertGolden(testdata(`${slug(node)}.ports.json`), `${JSON.stringify(plan.ports, null, 2)}\n`);
    });
  }

  it('boots from the store: kernel, initramfs, a raw base and every Debian layer, read-only', async () => {
    const { plan } = await planOf('application/browser/firefox');
    const files = plan.argv.filter((a) => a.includes('/store/sha256/'));
    assert.ok(files.some((a) => a.includes('not-built:base') && a.includes('read-only=on')));
    assert.equal(plan.instance.artifacts.layers.length, 3, 'minbase, browser, firefox');
    assert.equal(plan.instance.artifacts.base?.format, 'raw');
  });

  it('plans a restart from the instance it had: the same argv and ports', async () => {
    const { plan, manifest } = await planOf('service/router/star');
    assert.deepEqual(planOfInstance(DEFAULT_DIRS, manifest, plan.instance), plan);
    assert.deepEqual(portsOfInstance(manifest, plan.instance), plan.ports);
  });
});

/** The values of one QEMU option, `-flag a,b=c,…`, as the first bare word and the `key=value` pairs. */
function optionsOf(argv: readonly string[], flag: string): { kind: string; props: Map<string, string> }[] {
  return argv.flatMap((word, index) => {
    if (word !== flag) return [];
    const [kind = '', ...rest] = (argv[index + 1] ?? '').split(',');
    return [{ kind, props: new Map(rest.map((pair) => pair.split('=', 2) as [string, string])) }];
  });
}

/** Checks that each port of a plan is where its argv puts it, and that the argv has no channel beside them. */
function assertPortsInArgv(what: string, plan: PortalPlan): void {
  const { argv, ports } = plan;
  const chardevs = optionsOf(argv, '-chardev');
  const chardev = (id: string) => chardevs.find((c) => c.props.get('id') === id);
  for (const port of [ports.agent, ports.status, ...(ports.console ? [ports.console] : [])]) {
    const rendered = chardev(port.chardev);
    assert.ok(rendered, `${what}: no -chardev ${port.chardev}`);
    assert.equal(rendered.kind, port.backend, `${what}: ${port.chardev}`);
    assert.equal(rendered.props.get('path'), port.path, `${what}: ${port.chardev}`);
  }
  assert.deepEqual(
    optionsOf(argv, '-device')
      .filter((d) => d.kind === 'virtserialport')
      .map((d) => [d.props.get('name'), d.props.get('chardev')]),
    [ports.agent, ports.status].map((port) => [port.guest, port.chardev]),
    `${what}: the virtio-serial ports are exactly the agent's and the status port`,
  );
  const serials = optionsOf(argv, '-serial').map((serial) => serial.kind);
  if (ports.console) {
    assert.equal(chardev(ports.console.chardev)?.props.get('logfile'), ports.console.log, what);
    assert.deepEqual(serials, [`chardev:${ports.console.chardev}`], `${what}: the serial console`);
  } else {
    assert.deepEqual(serials, [], `${what}: no serial console`);
    assert.equal(chardev('console'), undefined, `${what}: no console chardev`);
  }
  assert.deepEqual(
    optionsOf(argv, '-qmp').map((qmp) => qmp.kind),
    [`unix:${ports.qmp.path}`],
    `${what}: QMP`,
  );
}

describe('the ports of a plan name what its argv gives QEMU', () => {
  it('puts each port on the QEMU chardev it belongs to, for every formula of the catalogue', async () => {
    const catalogue = await bundledCatalogue();
    for (const { manifest } of catalogue.formulas.values()) {
      if (!manifest.abstract) assertPortsInArgv(manifest.node, (await planOf(manifest.node)).plan);
    }
  });

  it('has no console port when the formula has no serial console', async () => {
    const { plan } = await planOf('application/console', (manifest) => ({
      ...manifest,
      devices: { ...manifest.devices, console: false },
    }));
    assert.equal(plan.ports.console, null);
    assertPortsInArgv('application/console without a console', plan);
  });
});
