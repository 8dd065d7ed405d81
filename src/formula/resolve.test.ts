import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { originOf } from './merge.js';
import { resolveCatalogue } from './resolve.js';

const resolve = (extra: Record<string, string>, base = MINIMAL_TREE) =>
  resolveCatalogue(treeOf({ ...base, ...extra }));

function manifestOf(extra: Record<string, string>, node: string) {
  const catalogue = resolve(extra);
  assert.deepEqual(catalogue.diagnostics, []);
  const resolved = catalogue.formulas.get(node);
  assert.ok(resolved, `${node} resolved`);
  return resolved;
}

describe('resolveCatalogue: inheritance', () => {
  it('resolves the minimal tree without problems and fills every default', () => {
    const { manifest } = manifestOf({}, 'application/console');
    assert.equal(manifest.class, 'application');
    assert.equal(manifest.portalName, 'console.application.portal');
    assert.equal(manifest.machine.memory, 256);
    assert.deepEqual(manifest.agent.verbs, ['ping', 'status', 'poweroff', 'shell']);
    assert.deepEqual(
      manifest.lineage.map((l) => l.node),
      ['application', 'application/console'],
    );
  });

  it('replaces scalars, merges sections and appends lists without duplicates', () => {
    const { manifest } = manifestOf(
      {
        'application/browser':
          'abstract: true\nmachine: { memory: 2048, vcpus: 2 }\npackages: [fonts, dbus]\n',
        'application/browser/firefox': 'machine: { memory: 4096 }\npackages: [firefox-esr, dbus]\n',
      },
      'application/browser/firefox',
    );
    assert.deepEqual(manifest.machine, {
      type: 'microvm',
      vcpus: 2,
      memory: 4096,
      balloon: false,
      cpuset: null,
      priority: null,
    });
    assert.deepEqual(manifest.packages, ['fonts', 'dbus', 'firefox-esr']);
  });

  it('replaces lists that only make sense whole (networks)', () => {
    const { manifest } = manifestOf(
      {
        service: 'class: service\nabstract: true\n',
        'service/router/galaxy': 'networks:\n  - { network: galaxy, address: 10.1.1.1, router: true }\n',
        'application/tb': 'networks:\n  - { network: galaxy, address: dynamic }\n',
      },
      'application/tb',
    );
    assert.deepEqual(manifest.networks, [{ network: 'galaxy', address: 'dynamic', router: false }]);
  });

  it('merges named maps entry by entry', () => {
    const { manifest } = manifestOf(
      {
        'application/p':
          'abstract: true\ndisks:\n  work: { size: 100 }\nshare:\n  subfolders:\n    a: { readOnly: true }\n',
        'application/p/q':
          'disks:\n  work: { persistent: true }\n  scratch: { size: 5 }\nshare:\n  subfolders:\n    a: { mountPoint: /a }\n',
      },
      'application/p/q',
    );
    assert.deepEqual(manifest.disks, {
      work: { size: 100, persistent: true, mountPoint: null },
      scratch: { size: 5, persistent: false, mountPoint: null },
    });
    assert.deepEqual(manifest.share.subfolders.a, { readOnly: true, mountPoint: '/a' });
  });

  it('does not inherit abstract', () => {
    const catalogue = resolve({ 'application/layer': 'abstract: true\n', 'application/layer/leaf': '' });
    assert.equal(catalogue.formulas.get('application/layer')?.manifest.abstract, true);
    assert.equal(catalogue.formulas.get('application/layer/leaf')?.manifest.abstract, false);
  });

  it('applies extends after the parent and skips formulas already applied', () => {
    const { manifest } = manifestOf(
      {
        'application/dev': 'abstract: true\npackages: [make]\n',
        'application/dev/c': 'packages: [gcc]\n',
        'application/dev/cpp': 'extends: application/dev/c\npackages: [g++]\n',
      },
      'application/dev/cpp',
    );
    assert.deepEqual(manifest.packages, ['make', 'gcc', 'g++']);
    assert.deepEqual(
      manifest.lineage.map((l) => l.node),
      ['application', 'application/dev', 'application/dev/c', 'application/dev/cpp'],
    );
  });

  it('remembers which file and line set each field', () => {
    const resolved = manifestOf(
      { 'application/console': 'description: a shell\nmachine:\n  memory: 512\npackages: [busybox]\n' },
      'application/console',
    );
    assert.deepEqual(originOf(resolved.provenance, ['machine', 'memory']), {
      file: 'formulas/application/console/formula.yaml',
      line: 3,
      column: 11,
      path: 'machine.memory',
    });
    assert.equal(originOf(resolved.provenance, ['machine', 'vcpus']), 'default');
    const fromParent = originOf(resolved.provenance, ['networks']);
    assert.ok(fromParent !== 'default' && fromParent.file === 'formulas/application/formula.yaml');
    const item = originOf(resolved.provenance, ['packages', 0]);
    assert.ok(item !== 'default' && item.line === 4);
  });
});

describe('resolveCatalogue: hashes', () => {
  it('gives the same hash for the same inputs, whatever the comments', () => {
    const a = resolve({}).formulas.get('application/console')?.hash;
    const b = resolve({ 'application/console': '# a comment\ndescription: a shell   # same\n' }).formulas.get(
      'application/console',
    )?.hash;
    assert.match(a ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(a, b);
  });

  it('changes the hash of every descendant when a parent changes, and nothing else', () => {
    const tree = {
      'application/b': 'abstract: true\n',
      'application/b/x': '',
      'application/b/y': '',
      'application/z': '',
    };
    const before = resolve(tree).formulas;
    const after = resolve({ ...tree, 'application/b': 'abstract: true\ndescription: changed\n' }).formulas;
    for (const node of ['application/b', 'application/b/x', 'application/b/y']) {
      assert.notEqual(before.get(node)?.hash, after.get(node)?.hash, node);
    }
    assert.equal(before.get('application/z')?.hash, after.get('application/z')?.hash);
  });

  it('changes the hash even when the child overrides the changed parent field', () => {
    const tree = {
      'application/b': 'abstract: true\nmachine: { memory: 512 }\n',
      'application/b/x': 'machine: { memory: 1024 }\n',
    };
    const before = resolve(tree).formulas.get('application/b/x');
    const after = resolve({
      ...tree,
      'application/b': 'abstract: true\nmachine: { memory: 768 }\n',
    }).formulas.get('application/b/x');
    assert.equal(before?.manifest.machine.memory, after?.manifest.machine.memory);
    assert.notEqual(before?.hash, after?.hash);
  });
});

describe('resolveCatalogue: provenance of named entries', () => {
  it('marks defaults inside a new entry as defaults and set fields with their line', () => {
    const resolved = manifestOf({ 'application/x': 'disks:\n  scratch:\n    size: 5\n' }, 'application/x');
    assert.equal(originOf(resolved.provenance, ['disks', 'scratch', 'persistent']), 'default');
    const size = originOf(resolved.provenance, ['disks', 'scratch', 'size']);
    assert.ok(size !== 'default' && size.line === 3);
  });
});
