import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { MAX_FORMULA_BYTES, MAX_FORMULA_DEPTH, nestingDepth } from './_yaml-limits.js';
import { parseFormula } from './parse.js';

const FILE = 'formulas/application/x/formula.yaml';
const parse = (text: string) => parseFormula({ node: 'application/x', file: FILE, text });

/** The classic "billion laughs": each level refers nine times to the one before. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function onlyDiagnostic(text: string) {
  const { diagnostics, formula } = parse(text);
  assert.equal(formula, undefined);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  const [d] = diagnostics;
  assert.ok(d);
  return d;
}

describe('formula parser limits', () => {
  it('refuses an alias bomb as formula.too-large naming the file, without expanding it', () => {
    const d = onlyDiagnostic(aliasBomb(9));
    assert.equal(d.code, 'formula.too-large');
    assert.equal(d.where.file, FILE);
    assert.match(d.message, /aliases expand too far/);
  });

  it('refuses a file over the size limit before parsing it', () => {
    const d = onlyDiagnostic(`description: ${'x'.repeat(MAX_FORMULA_BYTES)}\n`);
    assert.equal(d.code, 'formula.too-large');
    assert.match(d.message, /at most 262144 bytes/);
  });

  it('refuses nesting deeper than the limit, and nesting deeper than the parser can follow', () => {
    const deep = onlyDiagnostic(
      `a: ${'['.repeat(MAX_FORMULA_DEPTH + 1)}${']'.repeat(MAX_FORMULA_DEPTH + 1)}\n`,
    );
    assert.equal(deep.code, 'formula.too-large');
    assert.match(deep.message, /nests 34 levels deep; a formula may nest at most 32/);
    const abyss = onlyDiagnostic(`a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    assert.equal(abyss.code, 'formula.too-large');
    assert.match(abyss.message, /nests too deeply to parse/);
    assert.equal(abyss.where.line, 1);
  });

  it('leaves ordinary formulas, aliases included, to the schema', () => {
    const { diagnostics } = parse('machine: &m\n  vcpus: 2\ndescription: fine\n');
    assert.deepEqual(diagnostics, []);
    const reused = parse('x: &v [1]\ny: *v\n').diagnostics;
    assert.ok(reused.every((d) => d.code !== 'formula.too-large'));
  });

  it('measures nesting without following aliases', () => {
    assert.equal(nestingDepth(parseDocument('a: {b: [1, [2]]}').contents), 4);
    assert.equal(nestingDepth(parseDocument('a: &x [[1]]\nb: *x').contents), 3);
    assert.equal(nestingDepth(parseDocument('plain').contents), 0);
  });
});
