import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { assertGolden } from '../../test/support/golden.js';
import { type Manifest, resolveCatalogue } from '../formula/index.js';
import { renderChainDot, renderChainText } from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

async function bundled(): Promise<Manifest[]> {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

describe('renderChainText and renderChainDot', () => {
  it('match their golden files for the bundled catalogue', async () => {
    const manifests = await bundled();
    assertGolden(testdata('chain.txt'), renderChainText(manifests));
    assertGolden(testdata('chain.dot'), renderChainDot(manifests));
  });

  it('do not depend on the order of the manifests', async () => {
    const manifests = await bundled();
    const reversed = [...manifests].reverse();
    assert.equal(renderChainText(reversed), renderChainText(manifests));
    assert.equal(renderChainDot(reversed), renderChainDot(manifests));
  });

  it('nest each network under the one its router leaves by', async () => {
    const lines = renderChainText(await bundled()).split('\n');
    const depth = (prefix: string) => {
      const line = lines.find((l) => l.includes(`── ${prefix}`));
      assert.ok(line, prefix);
      return line.indexOf(prefix);
    };
    assert.equal(lines[0], 'uplink (netns) of service/router/universe');
    assert.ok(depth('universe 10.0.0.0/24') < depth('galaxy 10.1.1.0/24'));
    assert.ok(depth('galaxy 10.1.1.0/24') < depth('star 10.2.2.0/24'));
    assert.ok(depth('star 10.2.2.0/24') < depth('app 10.3.3.0/24'));
    assert.ok(lines.includes('offline (no network):'));
  });

  it('show a chain without an uplink, and members of a network nobody routes', () => {
    const manifests = [...resolveCatalogue(treeOf(MINIMAL_TREE)).formulas.values()].map((f) => f.manifest);
    const text = renderChainText(manifests);
    assert.match(
      text,
      /^no uplink: service\/router\/star\n└── star 10\.2\.2\.0\/24, router service\/router\/star at 10\.2\.2\.1\n {4}└── dynamic {2}application\/console\n$/,
    );
    const unrouted = manifests.filter((m) => m.node !== 'service/router/star');
    assert.match(
      renderChainText(unrouted),
      /^unreachable: star 10\.2\.2\.0\/24, no router\n└── dynamic {2}application\/console\n$/,
    );
  });

  it('write DOT whose edges follow outbound packets', async () => {
    const dot = renderChainDot(await bundled());
    assert.match(dot, /^digraph multiverse_chain \{\n/);
    assert.ok(dot.includes('"portal:application/browser/firefox" -> "net:star" [label="dynamic"];'));
    assert.ok(dot.includes('"net:star" -> "portal:service/router/star" [label="router 10.2.2.1"];'));
    assert.ok(dot.includes('"portal:service/router/star" -> "net:galaxy" [label="10.1.1.2"];'));
    assert.ok(dot.includes('"portal:service/router/universe" -> "uplink:service/router/universe";'));
    assert.ok(dot.endsWith('}\n'));
  });
});
