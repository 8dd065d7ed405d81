import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { portalgun, writeTree } from '../../support/cli.js';
import { MINIMAL_TREE } from '../../support/formula-tree.js';

const trees: string[] = [];
after(() => {
  for (const tree of trees) rmSync(tree, { recursive: true, force: true });
});

function treeWith(extra: Record<string, string>): string {
  const root = writeTree({ ...MINIMAL_TREE, ...extra });
  trees.push(root);
  return root;
}

function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+\(.+:\d+:\d+\)$/m, `stack trace in output:\n${text}`);
}

describe('portalgun formula validate', () => {
  it('accepts the bundled catalogue', () => {
    const result = portalgun(['formula', 'validate']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ok: 36 formulas valid \(23 portals, 13 abstract layers\)$/m);
  });

  const badInputs: [string, Record<string, string>, RegExp][] = [
    [
      'malformed YAML',
      { 'application/x': 'machine:\n  vcpus: 2\n   memory: 3\n' },
      /application\/x\/formula\.yaml:2:10: YAML syntax error/,
    ],
    [
      'an unknown field',
      { 'application/x': 'machine:\n  vcpu: 2\n' },
      /application\/x\/formula\.yaml:2:3: machine\.vcpu: Unknown field "vcpu"/,
    ],
    [
      'a wrong type',
      { 'application/x': 'machine:\n  memory: lots\n' },
      /application\/x\/formula\.yaml:2:11: machine\.memory: Invalid input: expected number/,
    ],
    [
      'an extends cycle',
      { 'application/a': 'extends: application/b\n', 'application/b': 'extends: application/a\n' },
      /application\/b\/formula\.yaml:1:10: extends: .*inheritance cycle application\/a → application\/b → application\/a/,
    ],
    [
      'a missing parent',
      { 'application/browser/firefox': '' },
      /application\/browser\/firefox\/formula\.yaml:1:1: .*parent "application\/browser" has no formula\.yaml/,
    ],
    [
      'an address clash',
      {
        'controller/a': 'networks:\n  - { network: star, address: 10.2.2.10 }\n',
        'controller/b': 'networks:\n  - { network: star, address: 10.2.2.10 }\n',
      },
      /controller\/b\/formula\.yaml:2:\d+: networks\[0\]\.address: controller\/b: 10\.2\.2\.10 on star is already claimed by controller\/a/,
    ],
    [
      'an alias bomb',
      {
        'application/x': `a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from(
          { length: 8 },
          (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`,
        ).join('\n')}\n`,
      },
      /application\/x\/formula\.yaml:1:1: The YAML's aliases expand too far .*\[formula\.too-large\]/,
    ],
    [
      'nesting deeper than the parser follows',
      { 'application/x': `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` },
      /application\/x\/formula\.yaml:1:\d+: The YAML nests too deeply to parse \[formula\.too-large\]/,
    ],
    [
      'a huge file',
      { 'application/x': `description: ${'x'.repeat(1_000_000)}\n` },
      /application\/x\/formula\.yaml:1:1: The file is 1000014 bytes; a formula may be at most 262144 bytes \[formula\.too-large\]/,
    ],
  ];

  for (const [what, extra, expected] of badInputs) {
    it(`reports ${what} with file, line, column and field, exit 2, no stack trace`, () => {
      const result = portalgun(['formula', 'validate', treeWith(extra)]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, expected);
      assert.match(result.stderr, /\n {2}hint: /);
      assertNoStackTrace(result.stderr);
      assert.equal(result.stdout, '');
    });
  }

  it('prints the error as JSON on stdout with --json', () => {
    const result = portalgun([
      '--json',
      'formula',
      'validate',
      treeWith({ 'application/x': 'machine:\n  gpu: 1\n' }),
    ]);
    assert.equal(result.status, 2);
    const { error } = JSON.parse(result.stdout) as {
      error: {
        code: string;
        where: { file: string; line: number; column: number; path: string };
        diagnostics: unknown[];
      };
    };
    assert.equal(error.code, 'formula.unknown-field');
    assert.equal(error.where.path, 'machine.gpu');
    assert.deepEqual([error.where.line, error.where.column], [2, 3]);
    assert.equal(error.diagnostics.length, 1);
  });

  it('refuses an empty folder, and one with no formula in it, as bad input (exit 2)', () => {
    const empty = writeTree({});
    const noFormula = writeTree({});
    trees.push(empty, noFormula);
    mkdirSync(path.join(noFormula, 'application/x'), { recursive: true });
    writeFileSync(path.join(noFormula, 'application/x/notes.txt'), 'not a formula\n');
    for (const dir of [empty, noFormula]) {
      const result = portalgun(['formula', 'validate', dir]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /Formula tree ".+" holds no formula\.yaml \[formula\.empty-tree\]/);
      assert.match(result.stderr, /\n {2}hint: /);
    }
  });

  it('reports a folder that does not exist as not found (exit 3)', () => {
    const result = portalgun(['formula', 'validate', '/nonexistent/formulas']);
    assert.equal(result.status, 3);
    assert.match(
      result.stderr,
      /Formula tree "\/nonexistent\/formulas" is not a directory \[formula\.tree-not-found\]/,
    );
  });
});

describe('portalgun formula list, show and plan', () => {
  it('lists the tree, and every node as JSON', () => {
    const text = portalgun(['formula', 'list']);
    assert.equal(text.status, 0);
    assert.match(
      text.stdout,
      /^│ {2}├─ firefox +q35 +2 +2048 MiB +star +firefox\.browser\.application\.portal$/m,
    );
    const json = JSON.parse(portalgun(['formula', 'list', '--json']).stdout) as {
      node: string;
      hash: string;
    }[];
    assert.equal(json.length, 36);
    assert.ok(json.every((f) => /^sha256:[0-9a-f]{64}$/.test(f.hash)));
  });

  it('lists the fixed addresses of the plan', () => {
    const result = portalgun(['formula', 'list', '--addresses']);
    assert.match(result.stdout, /^star +10\.2\.2\.10 +00:00:10:02:02:0a +fixed +controller\/user$/m);
  });

  it('shows a manifest by node path or portal name, with the same hash', () => {
    const byNode = JSON.parse(portalgun(['--json', 'formula', 'show', 'application/console']).stdout) as {
      hash: string;
      manifest: { portalName: string };
    };
    const byName = JSON.parse(
      portalgun(['formula', 'show', 'console.application.portal', '--json']).stdout,
    ) as { hash: string };
    assert.equal(byNode.manifest.portalName, 'console.application.portal');
    assert.equal(byNode.hash, byName.hash);
  });

  it('shows where every field was set', () => {
    const result = portalgun(['formula', 'show', 'service/router/star', '--provenance']);
    assert.equal(result.status, 0);
    assert.match(
      result.stdout,
      /^machine\.memory +256 +formulas\/service\/router\/star\/formula\.yaml:5:11$/m,
    );
    assert.match(result.stdout, /^machine\.vcpus +1 +formulas\/service\/formula\.yaml:\d+:\d+$/m);
    assert.match(result.stdout, /^devices\.rng +true +\(default\)$/m);
  });

  it('suggests a node for an unknown name (exit 3)', () => {
    const result = portalgun(['formula', 'show', 'firefox']);
    assert.equal(result.status, 3);
    assert.match(
      result.stderr,
      /No formula "firefox" \[formula\.not-found\]\n {2}hint: Did you mean "application\/browser\/firefox"\?/,
    );
  });

  it('renders the three plans', () => {
    const qemu = portalgun(['plan', 'application/console']);
    assert.equal(qemu.status, 0);
    assert.match(qemu.stdout, /^-sandbox\non,obsolete=deny,spawn=deny,resourcecontrol=deny$/m);
    assert.match(
      portalgun(['plan', 'controller/user', '--format', 'libvirt']).stdout,
      /<domain type="qemu">/,
    );
    assert.match(
      portalgun(['plan', 'controller/user', '--format', 'fstab']).stdout,
      /^multiverse-portal \/mnt\/multiverse-portal 9p trans=virtio,version=9p2000\.L,.*nosuid,nodev,rw,nofail 0 0$/m,
    );
  });

  it('refuses to plan an abstract layer, and bad options, with exit 2', () => {
    assert.equal(portalgun(['plan', 'application/browser']).status, 2);
    const bad = portalgun(['plan', 'application/console', '--format', 'xml']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /argument 'xml' is invalid/);
    assert.equal(portalgun(['frobnicate']).status, 2);
  });
});
