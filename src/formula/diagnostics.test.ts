import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import type { Diagnostic } from '../errors/index.js';
import { resolveCatalogue } from './resolve.js';

function problems(extra: Record<string, string>, base: Record<string, string> = MINIMAL_TREE): Diagnostic[] {
  return [...resolveCatalogue(treeOf({ ...base, ...extra })).diagnostics];
}

function only(extra: Record<string, string>, base?: Record<string, string>): Diagnostic {
  const found = problems(extra, base);
  assert.equal(found.length, 1, `expected one diagnostic, got ${JSON.stringify(found, null, 1)}`);
  return found[0] as Diagnostic;
}

describe('resolveCatalogue: tree problems', () => {
  it('reports a missing parent at the child', () => {
    const d = only({ 'application/browser/firefox': '' });
    assert.equal(d.code, 'formula.missing-parent');
    assert.equal(d.where.file, 'formulas/application/browser/firefox/formula.yaml');
    assert.match(d.hint ?? '', /application\/browser\/formula.yaml/);
  });

  it('reports extends naming a node that does not exist, at the extends line', () => {
    const d = only({ 'application/x': 'description: x\nextends: application/nope\n' });
    assert.equal(d.code, 'formula.missing-extends');
    assert.deepEqual([d.where.line, d.where.path], [2, 'extends']);
  });

  it('reports an extends cycle once, naming the loop', () => {
    const d = only({
      'application/a': 'extends: application/b\n',
      'application/b': 'extends: application/a\n',
    });
    assert.equal(d.code, 'formula.cycle');
    assert.match(d.message, /application\/a → application\/b → application\/a/);
    assert.equal(d.where.path, 'extends');
  });

  it('reports a formula extending itself or its own descendant', () => {
    assert.equal(only({ 'application/a': 'extends: application/a\n' }).code, 'formula.cycle');
    const d = only({ 'application/a': 'extends: application/a/b\n', 'application/a/b': '' });
    assert.equal(d.code, 'formula.cycle');
  });

  it('refuses a top folder that is not a class, and a formula at the root', () => {
    assert.equal(only({ gadget: '' }).code, 'formula.unknown-class');
    assert.equal(only({ '': 'class: application\n' }).code, 'formula.misplaced');
  });

  it('refuses folder names that cannot be DNS labels', () => {
    assert.equal(only({ 'application/Fire_Fox': '' }).code, 'formula.bad-node-name');
  });

  it('refuses a class that does not match its folder', () => {
    const d = problems({ 'application/x': 'class: service\n' }).find(
      (p) => p.code === 'formula.class-mismatch',
    );
    assert.ok(d);
    assert.deepEqual(
      [d.where.file, d.where.line, d.where.path],
      ['formulas/application/x/formula.yaml', 1, 'class'],
    );
  });

  it('reports a required field no formula sets', () => {
    const d = only({ application: 'abstract: true\n' }, { application: '', 'application/console': '' });
    assert.equal(d.code, 'formula.missing-field');
    assert.equal(d.where.path, 'class');
  });
});

describe('resolveCatalogue: address plan', () => {
  it('reports two formulas claiming one address on one network, naming both', () => {
    const found = problems({
      'controller/user': 'networks:\n  - { network: star, address: 10.2.2.10 }\n',
      'controller/other': 'description: x\nnetworks:\n  - { network: star, address: 10.2.2.10 }\n',
    });
    assert.equal(found.length, 1);
    const d = found[0] as Diagnostic;
    assert.equal(d.code, 'formula.address-clash');
    assert.deepEqual(
      [d.where.file, d.where.line, d.where.path],
      ['formulas/controller/user/formula.yaml', 2, 'networks[0].address'],
    );
    assert.match(
      d.message,
      /already claimed by controller\/other \(formulas\/controller\/other\/formula.yaml:3:/,
    );
  });

  it('lets abstract layers leave addresses to their children only once', () => {
    const d = only({
      'controller/layer': 'abstract: true\nnetworks:\n  - { network: star, address: 10.2.2.20 }\n',
      'controller/layer/a': '',
      'controller/layer/b': '',
    });
    assert.equal(d.code, 'formula.address-clash');
    assert.equal(d.where.file, 'formulas/controller/layer/formula.yaml');
  });

  it('reports a second router for a network', () => {
    const found = problems({
      'service/router/star2': 'networks:\n  - { network: star, address: 10.2.2.1, router: true }\n',
    });
    assert.deepEqual(found.map((d) => d.code).sort(), ['formula.address-clash', 'formula.router-clash']);
    assert.ok(found.every((d) => d.where.file === 'formulas/service/router/star2/formula.yaml'));
  });

  it('reports joining a network nobody routes', () => {
    const d = only({ 'application/x': 'networks:\n  - { network: galaxy, address: dynamic }\n' });
    assert.equal(d.code, 'formula.no-router');
    assert.equal(d.where.path, 'networks[0].address');
  });

  it('points at the exact line of a field inside a list item', () => {
    const d = only({ 'controller/x': 'networks:\n  - network: star\n    address: 10.2.2.150\n' });
    assert.deepEqual([d.where.line, d.where.column, d.where.path], [3, 14, 'networks[0].address']);
  });

  it('keeps applications on dynamic addresses and others on fixed ones in the right range', () => {
    const cases: [string, string, string][] = [
      ['application/x', 'networks:\n  - { network: star, address: 10.2.2.150 }\n', 'formula.address-range'],
      ['controller/x', 'networks:\n  - { network: star, address: dynamic }\n', 'formula.address-range'],
      ['controller/x', 'networks:\n  - { network: star, address: 10.2.2.150 }\n', 'formula.address-range'],
      ['controller/x', 'networks:\n  - { network: star, address: 10.1.1.10 }\n', 'formula.address-range'],
      ['controller/x', 'networks:\n  - { network: star, address: 10.2.2.5 }\n', 'formula.address-range'],
    ];
    for (const [node, text, code] of cases) assert.equal(only({ [node]: text }).code, code, text);
    const stolen = problems({ 'controller/x': 'networks:\n  - { network: star, address: 10.2.2.1 }\n' });
    assert.ok(
      stolen.some(
        (d) => d.code === 'formula.address-range' && /reserved for the network's router/.test(d.message),
      ),
    );
  });

  it('only lets the universe router have an uplink, and checks its device', () => {
    assert.equal(only({ 'controller/x': 'uplink: { mode: user }\n' }).code, 'formula.conflict');
    const universe = {
      'service/router/universe':
        'machine: { type: q35 }\nnetworks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci }\n',
    };
    assert.equal(only(universe).code, 'formula.missing-field');
    const notPci = {
      'service/router/universe':
        'machine: { type: q35 }\nnetworks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci, device: eth0 }\n',
    };
    assert.deepEqual(
      [only(notPci).code, only(notPci).where.path],
      ['formula.invalid-value', 'uplink.device'],
    );
    const netnsSlash = {
      'service/router/universe':
        'networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: netns, device: a/b }\n',
    };
    assert.equal(only(netnsSlash).code, 'formula.invalid-value');
    const dotted = {
      'service/router/universe':
        'networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: macvtap, device: ../eth0 }\n',
    };
    assert.equal(only(dotted).code, 'formula.invalid-value');
    const macvtap = {
      'service/router/universe':
        'networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: macvtap, device: lan/eth0 }\n',
    };
    assert.deepEqual(problems(macvtap), []);
  });
});

describe('resolveCatalogue: machine rules', () => {
  it('refuses what a microvm cannot have', () => {
    for (const text of [
      'devices: { display: spice }\n',
      'devices: { pci: ["0000:00:14.0"] }\n',
      'devices: { usb: ["046d:c52b"] }\n',
      'boot: { firmware: ovmf }\n',
    ]) {
      assert.equal(only({ 'application/x': text }).code, 'formula.conflict', text);
    }
    const pciUplink = only({
      'service/router/universe':
        'networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci, device: "0000:03:00.0" }\n',
    });
    assert.deepEqual([pciUplink.code, pciUplink.where.path], ['formula.conflict', 'uplink.mode']);
    assert.match(pciUplink.message, /microvm cannot have a PCI \(VFIO\) uplink/);
  });

  it('takes each passed-through device once, a USB device by its port if asked, and no uplink NIC twice', () => {
    const q35 = 'machine: { type: q35 }\n';
    assert.deepEqual(
      problems({ 'application/x': `${q35}devices: { usb: ["046d:c52b@1-1.4", "046d:c52b@3-2"] }\n` }),
      [],
    );
    const bad = only({ 'application/x': `${q35}devices: { usb: ["046d:c52b@1-0"] }\n` });
    assert.equal(bad.code, 'formula.invalid-value');
    const twice = only({ 'application/x': `${q35}devices: { pci: ["0000:01:00.0", "0000:01:00.0"] }\n` });
    assert.deepEqual([twice.code, twice.where.path], ['formula.conflict', 'devices.pci[1]']);
    const uplinkToo = only({
      'service/router/universe': `${q35}networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci, device: "0000:03:00.0" }\ndevices: { pci: ["0000:03:00.0"] }\n`,
    });
    assert.deepEqual([uplinkToo.code, uplinkToo.where.path], ['formula.conflict', 'uplink.device']);
  });

  it('refuses OVMF with less than 256 MiB of memory', () => {
    const small = only({
      'application/x': 'machine: { type: q35, memory: 128 }\nboot: { firmware: ovmf }\n',
    });
    assert.deepEqual([small.code, small.where.path], ['formula.conflict', 'machine.memory']);
    assert.deepEqual(problems({ 'application/x': 'machine: { type: q35 }\nboot: { firmware: ovmf }\n' }), []);
  });

  it('refuses a TPM without firmware and run programs without the run verb', () => {
    assert.equal(
      only({ 'application/x': 'machine: { type: q35 }\ndevices: { tpm: ephemeral }\n' }).code,
      'formula.conflict',
    );
    assert.equal(only({ 'application/x': 'agent: { run: [/bin/sh] }\n' }).code, 'formula.conflict');
  });

  it('starts services and a program from boot only in a Debian image, the program by its absolute path', () => {
    const micro = only({ 'application/x': 'program: [/usr/bin/less]\n' });
    assert.deepEqual([micro.code, micro.where.path], ['formula.conflict', 'program']);
    const services = only({ 'application/x': 'services: [cron]\n' });
    assert.deepEqual([services.code, services.where.path], ['formula.conflict', 'services']);
    const relative = only({ 'application/x': 'image: { backend: debian }\nprogram: [less]\n' });
    assert.deepEqual([relative.code, relative.where.line], ['formula.invalid-value', 2]);
    assert.deepEqual(
      problems({ 'application/x': 'image: { backend: debian }\nprogram: [/usr/bin/less]\n' }),
      [],
    );
  });

  it('needs the X server packages in a graphical Debian image, not in its abstract layers', () => {
    const graphical = 'machine: { type: q35 }\nimage: { backend: debian }\ndevices: { display: spice }\n';
    const missing = only({ 'application/x': `${graphical}packages: [xauth]\n` });
    assert.deepEqual([missing.code, missing.where.path], ['formula.conflict', 'devices.display']);
    assert.match(missing.message, /lacks xserver-xorg-core, xserver-xorg-input-evdev$/);
    assert.match(missing.hint ?? '', /packages: \[xserver-xorg-core, xserver-xorg-input-evdev\]/);
    const withX = 'packages: [xserver-xorg-core, xserver-xorg-input-evdev, xauth]\n';
    assert.deepEqual(
      problems({ 'application/g': `abstract: true\n${graphical}`, 'application/g/x': withX }),
      [],
    );
  });
});

describe('resolveCatalogue: merged entries', () => {
  it('reports a required field missing from a named entry where the entry was declared', () => {
    const d = only({ 'application/x': 'description: x\ndisks:\n  scratch: { persistent: true }\n' });
    assert.equal(d.code, 'formula.missing-field');
    assert.deepEqual(
      [d.where.file, d.where.line, d.where.path],
      ['formulas/application/x/formula.yaml', 3, 'disks.scratch.size'],
    );
  });
});

describe('resolveCatalogue: reserved kernel arguments', () => {
  it('refuses multiverse.* tokens in boot.cmdline, which portalgun sets itself', () => {
    const d = only({ 'application/x': 'boot:\n  cmdline: [quiet, multiverse.host=hevil]\n' });
    assert.equal(d.code, 'formula.conflict');
    assert.equal(d.where.path, 'boot.cmdline[1]');
  });

  it('refuses a machine.cpuset that is not a CPU list, or whose range runs downwards', () => {
    for (const cpuset of ['"a"', '"3-1"', '"1,"']) {
      const bad = only({ 'application/x': `machine: { cpuset: ${cpuset} }\n` });
      assert.deepEqual([bad.code, bad.where.path], ['formula.invalid-value', 'machine.cpuset'], cpuset);
    }
    assert.deepEqual(problems({ 'application/x': 'machine: { cpuset: "0,2-3", priority: 10 }\n' }), []);
  });
});
