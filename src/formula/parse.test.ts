import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFormula } from './parse.js';

const parse = (text: string) =>
  parseFormula({ node: 'application/x', file: 'formulas/application/x/formula.yaml', text });

describe('parseFormula', () => {
  it('accepts an empty file as a formula that inherits everything', () => {
    const result = parse('');
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.formula?.data, {});
  });

  it('reports malformed YAML with its line and column', () => {
    const [d, ...rest] = parse('machine:\n  vcpus: 2\n   memory: 3\n').diagnostics;
    assert.equal(rest.length, 0);
    assert.equal(d?.code, 'formula.syntax');
    assert.equal(d?.where.file, 'formulas/application/x/formula.yaml');
    assert.deepEqual([d?.where.line, d?.where.column], [2, 10]);
  });

  it('refuses duplicate keys as a syntax error', () => {
    const [d] = parse('description: a\ndescription: b\n').diagnostics;
    assert.equal(d?.code, 'formula.syntax');
    assert.equal(d?.where.line, 2);
  });

  it('reports an unknown top-level field at its key, with a suggestion', () => {
    const [d] = parse('class: application\nmachien:\n  vcpus: 2\n').diagnostics;
    assert.equal(d?.code, 'formula.unknown-field');
    assert.deepEqual([d?.where.line, d?.where.column, d?.where.path], [2, 1, 'machien']);
    assert.match(d?.hint ?? '', /Did you mean "machine"\?/);
  });

  it('reports an unknown nested field with its full path', () => {
    const [d] = parse('machine:\n  vcpus: 2\n  gpu: true\n').diagnostics;
    assert.equal(d?.code, 'formula.unknown-field');
    assert.deepEqual([d?.where.line, d?.where.column, d?.where.path], [3, 3, 'machine.gpu']);
    assert.match(d?.hint ?? '', /Fields allowed here: type, vcpus, memory, balloon/);
  });

  it('reports a wrong type at the value, with the field description as hint', () => {
    const [d] = parse('machine:\n  memory: lots\n').diagnostics;
    assert.equal(d?.code, 'formula.invalid-value');
    assert.deepEqual([d?.where.line, d?.where.column, d?.where.path], [2, 11, 'machine.memory']);
    assert.match(d?.message ?? '', /expected number/);
    assert.match(d?.hint ?? '', /Guest memory in MiB/);
  });

  it('reports a bad value inside a list item with an indexed path', () => {
    const text =
      'networks:\n  - network: star\n    address: dynamic\n  - network: mars\n    address: dynamic\n';
    const [d] = parse(text).diagnostics;
    assert.equal(d?.code, 'formula.invalid-value');
    assert.deepEqual([d?.where.line, d?.where.path], [4, 'networks[1].network']);
  });

  it('reports a missing required field inside a list item', () => {
    const [d] = parse('networks:\n  - network: star\n').diagnostics;
    assert.equal(d?.code, 'formula.missing-field');
    assert.equal(d?.where.path, 'networks[0].address');
  });

  it('collects every problem of a file at once', () => {
    const result = parse('machine:\n  vcpus: 0\n  memory: 1\nbogus: 1\n');
    assert.equal(result.diagnostics.length, 3);
    assert.equal(result.formula, undefined);
  });

  it("refuses QEMU's MAC prefix", () => {
    const [d] = parse('hardening:\n  macPrefix: "52:54:00"\n').diagnostics;
    assert.equal(d?.code, 'formula.invalid-value');
    assert.match(d?.message ?? '', /52:54:00/);
  });

  it('refuses a formula that is not a map', () => {
    const [d] = parse('- just\n- a list\n').diagnostics;
    assert.equal(d?.code, 'formula.invalid-value');
    assert.equal(d?.where.line, 1);
  });

  it('gives the same digest whatever the comments and formatting', () => {
    const a = parse('# comment\nmachine: { vcpus: 2 }\n').formula?.digest;
    const b = parse('machine:\n  vcpus: 2   # two\n').formula?.digest;
    assert.ok(a);
    assert.equal(a, b);
  });
});
