import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import type { Manifest } from '../formula/index.js';
import { ROUTER_PATHS } from '../guest-abi/index.js';
import { routerFiles } from './_router-files.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

const VPN = {
  endpoint: '192.168.77.1:51820',
  publicKey: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
  address: '10.99.0.2/24',
};

async function router(node: string): Promise<Manifest> {
  const { manifest } = await bundledFormula(node);
  return node.endsWith('galaxy') ? { ...manifest, vpn: VPN } : manifest;
}

const fileAt = (files: ReturnType<typeof routerFiles>, path: string) =>
  files.find((file) => file.path === path);

describe('routerFiles', () => {
  for (const role of ['universe', 'galaxy', 'star']) {
    it(`renders the ${role} hop's router-up.sh`, async () => {
      const up = fileAt(routerFiles(await router(`service/router/${role}`)), ROUTER_PATHS.up);
      assert.equal(up?.mode, 0o755);
      assertGolden(testdata(`router-up-${role}.sh`), up?.text ?? '');
    });
  }

  it("renders galaxy's switch-endpoint.sh, which moves the ruleset before the peer", async () => {
    const files = routerFiles(await router('service/router/galaxy'));
    const script = fileAt(files, ROUTER_PATHS.switchEndpoint)?.text ?? '';
    assertGolden(testdata('switch-endpoint-galaxy.sh'), script);
    assert.ok(script.indexOf('nft -f -') < script.indexOf('wg set'), 'the ruleset moves first');
    assert.match(script, /case "\$1" in 10\.0\.0\.\*\|10\.1\.1\.\*\|10\.2\.2\.\*/);
  });

  it('loads the ruleset before forwarding, on every router', async () => {
    for (const role of ['universe', 'galaxy', 'star']) {
      const up = fileAt(routerFiles(await router(`service/router/${role}`)), ROUTER_PATHS.up)?.text ?? '';
      const lines = up.split('\n');
      const ruleset = lines.findIndex((line) => line.startsWith('nft -f'));
      const forwarding = lines.indexOf('echo 1 > /proc/sys/net/ipv4/ip_forward');
      assert.ok(ruleset > 0 && forwarding > ruleset, role);
      assert.ok(lines.indexOf('echo 0 > /proc/sys/net/ipv4/ip_forward') < ruleset, role);
    }
  });

  it('refuses a galaxy without its VPN, naming the fields to set', async () => {
    const { manifest } = await bundledFormula('service/router/galaxy');
    assert.throws(() => routerFiles(manifest), {
      code: 'image.build-failed',
      message: /routes galaxy but has no VPN configured/,
    });
  });

  it('gives portals that route nothing no router files', async () => {
    assert.deepEqual(routerFiles((await bundledFormula('application/console')).manifest), []);
  });
});
