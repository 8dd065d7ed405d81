import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../../test/support/golden.js';
import { chainRules, unexplainedLines } from './_test-support.js';
import { renderEndpointSwap, renderRouterRuleset } from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

const universe = () => renderRouterRuleset('universe');
const galaxy = () => renderRouterRuleset('galaxy', { endpoint: { address: '198.51.100.7', port: 51820 } });
const star = () => renderRouterRuleset('star', { torUid: 101 });

describe('router rulesets', () => {
  it('match their golden files', () => {
    assertGolden(testdata('router-universe.nft'), universe());
    assertGolden(testdata('router-galaxy.nft'), galaxy());
    assertGolden(testdata('router-star.nft'), star());
  });

  for (const [role, text] of [
    ['universe', universe()],
    ['galaxy', galaxy()],
    ['star', star()],
  ] as const) {
    it(`${role}: starts with flush ruleset, explains every rule and policy, drops IPv6 first`, () => {
      assert.ok(text.startsWith('flush ruleset\n'));
      assert.deepEqual(unexplainedLines(text), []);
      for (const chain of ['mv_input', 'mv_forward', 'mv_output']) {
        assert.equal(chainRules(text, 'inet mv_filter', chain)[0], 'meta nfproto ipv6 drop', chain);
      }
      assert.match(text, /hook input priority filter; policy drop;/);
      assert.match(text, /hook forward priority filter; policy drop;/);
      assert.doesNotMatch(text, /\btable (inet|ip) (filter|nat)\b/, 'table names must not be nft keywords');
    });
  }

  it('universe: forwards only new universe-to-uplink flows, masquerades out of the uplink, opens nothing inward', () => {
    const text = universe();
    const forward = chainRules(text, 'inet mv_filter', 'mv_forward');
    assert.deepEqual(
      forward.filter((rule) => rule.endsWith('accept')),
      ['ct state established,related accept', 'iifname "universe" oifname "uplink" ct state new accept'],
    );
    assert.deepEqual(chainRules(text, 'ip mv_nat', 'mv_postrouting'), ['oifname "uplink" masquerade']);
    const input = chainRules(text, 'inet mv_filter', 'mv_input');
    assert.ok(
      input.every((rule) => !rule.includes('"uplink"')),
      'nothing is accepted from the uplink',
    );
    assert.ok(input.includes('iifname "universe" ip daddr 10.0.0.1 icmp type echo-request accept'));
    assert.ok(
      chainRules(text, 'inet mv_filter', 'mv_output').includes(
        'oifname "uplink" icmp type destination-unreachable icmp code != frag-needed drop',
      ),
      'no unreachable error about a vanished portal leaves on the uplink',
    );
  });

  it('galaxy: forwards only into the tunnel; its own output leaves universe only as WireGuard to the endpoint', () => {
    const text = galaxy();
    const forward = chainRules(text, 'inet mv_filter', 'mv_forward');
    assert.ok(forward.includes('iifname "galaxy" oifname "wg0" ct state new accept'));
    assert.ok(
      forward.every((rule) => !rule.includes('"universe"')),
      'nothing is forwarded to universe',
    );
    const output = chainRules(text, 'inet mv_filter', 'mv_output');
    const universeRules = output.filter((rule) => rule.includes('"universe"'));
    assert.deepEqual(universeRules, [
      'oifname "universe" jump mv_endpoint',
      'oifname "universe" counter drop',
    ]);
    assert.deepEqual(chainRules(text, 'inet mv_filter', 'mv_endpoint'), [
      'ip daddr 198.51.100.7 udp dport 51820 accept',
    ]);
    assert.match(text, /type filter hook output priority filter; policy drop;/);
    assert.deepEqual(chainRules(text, 'ip mv_nat', 'mv_postrouting'), ['oifname "wg0" masquerade']);
  });

  it('galaxy: swaps the endpoint rule in one transaction, with shell parameters for the script', () => {
    assert.equal(
      renderEndpointSwap({ address: '$1', port: '$2' }),
      'flush chain inet mv_filter mv_endpoint\nadd rule inet mv_filter mv_endpoint ip daddr $1 udp dport $2 accept comment "the tunnel\'s own encrypted UDP to its endpoint: the only thing that may leave on universe"\n',
    );
  });

  it('galaxy: takes another tunnel interface name', () => {
    const text = renderRouterRuleset('galaxy', {
      endpoint: { address: '198.51.100.7', port: 443 },
      tunnel: 'wg-vpn',
    });
    assert.match(text, /iifname "galaxy" oifname "wg-vpn" ct state new accept/);
    assert.match(text, /oifname "wg-vpn" masquerade/);
    assert.doesNotMatch(text, /"wg0"/);
  });

  it('star: redirects DNS and every TCP connection into Tor, forwards nothing, lets only Tor out', () => {
    const text = star();
    assert.deepEqual(chainRules(text, 'ip mv_nat', 'mv_prerouting'), [
      'iifname "star" udp dport 53 counter redirect to :5353',
      'iifname "star" tcp dport 53 counter redirect to :5353',
      'iifname "star" meta l4proto tcp counter redirect to :9040',
    ]);
    const forward = chainRules(text, 'inet mv_filter', 'mv_forward');
    assert.ok(
      forward.every((rule) => !rule.includes('accept')),
      'no accept rule in forward',
    );
    const input = chainRules(text, 'inet mv_filter', 'mv_input');
    assert.ok(input.includes('iifname "star" tcp dport 9040 accept'));
    assert.ok(input.includes('iifname "star" udp dport 5353 accept'));
    const output = chainRules(text, 'inet mv_filter', 'mv_output');
    const galaxyRules = output.filter((rule) => rule.includes('"galaxy"'));
    assert.deepEqual(galaxyRules, ['oifname "galaxy" meta skuid 101 meta l4proto tcp ct state new accept']);
  });

  it('star: takes other ports', () => {
    const text = renderRouterRuleset('star', { torUid: 107, transPort: 9041, dnsPort: 9053 });
    assert.match(text, /redirect to :9041/);
    assert.match(text, /udp dport 53 counter redirect to :9053/);
    assert.match(text, /meta skuid 107 /);
  });

  it('refuses options that would open a hole or break the syntax', () => {
    const bad: [string, () => string][] = [
      ['uid 0', () => renderRouterRuleset('star', { torUid: 0 })],
      ['fractional uid', () => renderRouterRuleset('star', { torUid: 1.5 })],
      ['port 0', () => renderRouterRuleset('star', { torUid: 101, transPort: 0 })],
      ['port 65536', () => renderRouterRuleset('star', { torUid: 101, dnsPort: 65_536 })],
      [
        'endpoint name',
        () => renderRouterRuleset('galaxy', { endpoint: { address: 'vpn.example', port: 1 } }),
      ],
      [
        'endpoint on a portal net',
        () => renderRouterRuleset('galaxy', { endpoint: { address: '10.0.0.9', port: 51820 } }),
      ],
      [
        'tunnel name with a quote',
        () =>
          renderRouterRuleset('galaxy', { endpoint: { address: '198.51.100.7', port: 1 }, tunnel: 'a"b' }),
      ],
    ];
    for (const [what, render] of bad) assert.throws(render, { code: 'net.invalid-config' }, what);
  });
});
