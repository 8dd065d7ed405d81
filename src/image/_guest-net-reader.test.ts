import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { testInstance } from '../../test/support/instance.js';
import { UPLINK_INTERFACE } from '../guest-abi/index.js';
import { formatGuestNetArg, type GuestNetConfig, parseGuestNetArg, renderGuestNetArg } from '../net/index.js';
import { kernelCommandLine } from '../qemu/index.js';
import { GUEST_NET_READER } from './_guest-net-reader.js';
import { renderSysinit } from './index.js';

/** The guests' shells: busybox's (micro images) and dash (a Debian image's /bin/sh). */
const SHELLS = [['busybox', 'sh'], ['dash']] as const;

/** The reader as rendered, called on `$1`, with `configure_nic` stubbed (by default: print its arguments). */
function stubbed(configureNic = 'echo "configure_nic|$1|$2|$3|$4"'): string {
  return `configure_nic() { ${configureNic}; }
status() { echo "status|$*"; }
${GUEST_NET_READER}
read_guest_net "$1"
`;
}

/** What the rendered reader does with a kernel command line, in one shell: one line per call. */
function runReader(shell: readonly string[], cmdline: string, script = stubbed()): string[] {
  const [binary = '', ...args] = shell;
  const run = spawnSync(binary, [...args, '-c', script, 'reader', cmdline], { encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run ${binary}: ${run.error.message} (scripts/setup.sh installs it)`);
  assert.equal(run.stderr, '', `${shell.join(' ')} wrote to stderr`);
  assert.equal(run.status, 0);
  return run.stdout.split('\n').filter((line) => line !== '');
}

/** The calls the reader must make for a value: what `parseGuestNetArg` reads, in the order it was written. */
function expectedCalls(value: string): string[] {
  const { nics, uplink } = parseGuestNetArg(value);
  const calls = nics.map((nic) => [nic.mac, nic.network, `${nic.address}/24`, nic.gateway ?? '']);
  if (uplink) {
    const address = uplink.mode === 'dhcp' ? 'dhcp' : uplink.cidr;
    calls.push([uplink.mac, UPLINK_INTERFACE, address, (uplink.mode === 'static' && uplink.gateway) || '']);
  }
  return calls.map((call) => `configure_nic|${call.join('|')}`);
}

/** The other tokens of a command line the reader must pass over. */
const AROUND = {
  before: 'console=ttyS0 panic=-1 multiverse.host=haaaaaaaaaaaaaaaaaaaaaaaaaa multiverse.instance=x',
  after: 'multiverse.onion=service-server-web@10.2.2.13:80 quiet',
};

const EDGE_CASES: Record<string, GuestNetConfig> = {
  'no NIC': { nics: [], uplink: null },
  'a DHCP uplink': {
    nics: [{ mac: '00:00:10:00:00:01', network: 'universe', address: '10.0.0.1' }],
    uplink: { mac: '00:00:10:ff:ff:01', mode: 'dhcp' },
  },
  'a static uplink with a gateway': {
    nics: [{ mac: '00:00:10:00:00:01', network: 'universe', address: '10.0.0.1' }],
    uplink: { mac: '00:00:10:ff:ff:01', mode: 'static', cidr: '192.168.1.50/24', gateway: '192.168.1.1' },
  },
  'a static uplink without a gateway': {
    nics: [],
    uplink: { mac: '00:00:10:ff:ff:01', mode: 'static', cidr: '10.9.0.2/16' },
  },
  'a NIC with the gateway, then one without': {
    nics: [
      { mac: '00:00:10:01:01:02', network: 'galaxy', address: '10.1.1.2', gateway: '10.1.1.1' },
      { mac: '00:00:10:02:02:01', network: 'star', address: '10.2.2.1' },
    ],
    uplink: null,
  },
  'every network': {
    nics: [
      { mac: '00:00:10:00:00:0a', network: 'universe', address: '10.0.0.10' },
      { mac: '00:00:10:01:01:0a', network: 'galaxy', address: '10.1.1.10' },
      { mac: '00:00:10:02:02:0a', network: 'star', address: '10.2.2.10', gateway: '10.2.2.1' },
      { mac: '00:00:10:03:03:fe', network: 'app', address: '10.3.3.254' },
    ],
    uplink: null,
  },
};

describe('the guest reads multiverse.net= as the host writes it (rc.sysinit against net/guest-net-arg.ts)', () => {
  it('ships the reader it tests: rc.sysinit calls it with the kernel command line', () => {
    const sysinit = renderSysinit();
    assert.ok(sysinit.includes(GUEST_NET_READER));
    assert.ok(sysinit.includes('read_guest_net "$(cat /proc/cmdline)"'));
  });

  for (const shell of SHELLS) {
    const name = shell.join(' ');

    it(`${name}: configures each NIC as parseGuestNetArg reads it, for every formula of the catalogue`, async () => {
      const catalogue = await bundledCatalogue();
      const manifests = [...catalogue.formulas.values()].map((f) => f.manifest);
      let networked = 0;
      for (const manifest of manifests.filter((m) => !m.abstract)) {
        const instance = testInstance(manifest, { manifests });
        const value = renderGuestNetArg(manifest, instance);
        const cmdline = kernelCommandLine(manifest, instance);
        if (value !== '') {
          assert.ok(cmdline.split(' ').includes(`multiverse.net=${value}`), manifest.node);
          networked += 1;
        }
        assert.deepEqual(runReader(shell, cmdline), expectedCalls(value), manifest.node);
      }
      assert.ok(networked >= 5, 'the routers, the controller and the applications are networked');
    });

    for (const [what, config] of Object.entries(EDGE_CASES)) {
      it(`${name}: reads ${what} as parseGuestNetArg does`, () => {
        const value = formatGuestNetArg(config);
        const cmdline = `${AROUND.before}${value === '' ? '' : ` multiverse.net=${value}`} ${AROUND.after}`;
        const calls = runReader(shell, cmdline);
        assert.deepEqual(calls, expectedCalls(value));
        assert.equal(calls.length, config.nics.length + (config.uplink ? 1 : 0));
      });
    }

    it(`${name}: reports each NIC it cannot configure on the status port, by its name`, () => {
      const value = formatGuestNetArg(EDGE_CASES['a DHCP uplink'] as GuestNetConfig);
      assert.deepEqual(runReader(shell, `${AROUND.before} multiverse.net=${value}`, stubbed('return 1')), [
        'status|failed network universe',
        `status|failed network ${UPLINK_INTERFACE}`,
      ]);
    });
  }
});
