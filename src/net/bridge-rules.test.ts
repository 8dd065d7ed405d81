import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { testInstance } from '../../test/support/instance.js';
import { chainRules, unexplainedLines } from './_test-support.js';
import { type BridgePort, portsOf, renderPortRuleset } from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

/** The galaxy bridge of the bundled catalogue: its router, the star router's leg and the torrent client. */
async function galaxyPorts(): Promise<BridgePort[]> {
  const ports: BridgePort[] = [];
  for (const node of ['service/router/galaxy', 'service/router/star', 'service/client/torrent']) {
    const { manifest } = await bundledFormula(node);
    ports.push(...portsOf(testInstance(manifest), manifest).filter((port) => port.network === 'galaxy'));
  }
  return ports;
}

describe('renderPortRuleset', () => {
  it('matches its golden file for a router and two members', async () => {
    const ports = await galaxyPorts();
    assert.deepEqual(
      ports.map((p) => p.role),
      ['router', 'member', 'member'],
    );
    assertGolden(testdata('ports-galaxy.nft'), renderPortRuleset(ports));
  });

  it('explains every rule and replaces only its own table', async () => {
    const text = renderPortRuleset(await galaxyPorts());
    assert.deepEqual(unexplainedLines(text), []);
    assert.doesNotMatch(text, /flush ruleset/);
    assert.match(text, /^table bridge mv_ports\ndelete table bridge mv_ports\ntable bridge mv_ports \{$/m);
  });

  it('is the same text whatever order the ports come in', async () => {
    const ports = await galaxyPorts();
    assert.equal(renderPortRuleset([...ports].reverse()), renderPortRuleset(ports));
  });

  it('pins members to their MAC and IPv4, routers to their MAC only', async () => {
    const ports = await galaxyPorts();
    const text = renderPortRuleset(ports);
    for (const port of ports) {
      const rules = chainRules(text, 'bridge mv_ports', `port_${port.tap}`);
      assert.ok(rules.includes(`ether saddr != ${port.mac} drop`));
      assert.ok(rules.includes(`arp saddr ether != ${port.mac} drop`));
      assert.ok(rules.includes('ether type != { ip, arp } drop'));
      const pinsIp = rules.includes(`ip saddr != ${port.address} drop`);
      const pinsArpIp = rules.includes(`arp saddr ip != ${port.address} drop`);
      assert.equal(pinsIp, port.role === 'member', port.tap);
      assert.equal(pinsArpIp, port.role === 'member', port.tap);
      assert.equal(rules.at(-1), 'accept');
    }
  });

  it('drops IPv6, unknown taps and member-to-member frames', async () => {
    const ports = await galaxyPorts();
    const text = renderPortRuleset(ports);
    const forward = chainRules(text, 'bridge mv_ports', 'mv_forward');
    assert.equal(forward[0], 'ether type ip6 drop');
    assert.match(text, /hook forward priority filter; policy drop;/);
    assert.match(text, /hook input priority filter; policy drop;/);
    const members = ports.filter((p) => p.role === 'member').map((p) => `"${p.tap}"`);
    const set = `{ ${members.sort().join(', ')} }`;
    assert.ok(forward.includes(`iifname ${set} oifname ${set} drop`));
  });

  it('has no isolation rule with fewer than two members, and drops everything with no ports', () => {
    const router: BridgePort = {
      tap: 'mvtest0',
      bridge: 'br-star',
      network: 'star',
      mac: '00:00:10:02:02:01',
      address: '10.2.2.1',
      role: 'router',
    };
    assert.doesNotMatch(renderPortRuleset([router]), /oifname \{/);
    const empty = chainRules(renderPortRuleset([]), 'bridge mv_ports', 'mv_forward');
    assert.ok(empty.every((rule) => !rule.includes('accept') && !rule.includes('jump')));
  });

  it('refuses unsafe tap names, MACs and duplicate taps', () => {
    const port: BridgePort = {
      tap: 'mvtest0',
      bridge: 'br-star',
      network: 'star',
      mac: '00:00:10:02:02:0a',
      address: '10.2.2.10',
      role: 'member',
    };
    for (const bad of [
      [{ ...port, tap: 'a"; flush ruleset' }],
      [{ ...port, mac: '00:00:10:02:02:0A' }],
      [{ ...port, address: '10.2.2.300' }],
      [port, port],
    ]) {
      assert.throws(() => renderPortRuleset(bad), { code: 'internal.bug' });
    }
  });
});
