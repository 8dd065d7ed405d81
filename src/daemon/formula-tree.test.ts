import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { writeTree } from '../../test/support/cli.js';
import { MINIMAL_TREE } from '../../test/support/formula-tree.js';
import { digestFormulaSources, sourcesOfSentTree } from '../formula/index.js';
import { readFormulaTreeFiles, readFormulaTreeInfo } from './formula-tree.js';

const dir = writeTree(MINIMAL_TREE);
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the daemon's formula tree", () => {
  it('sends the files it reads with the digest the version probe reports, and they check out', async () => {
    const tree = await readFormulaTreeFiles(dir);
    const info = await readFormulaTreeInfo(dir);
    assert.equal(tree.dir, dir);
    assert.equal(tree.digest, info.digest);
    assert.deepEqual(tree.files.map((f) => f.node).sort(), Object.keys(MINIMAL_TREE).sort());
    assert.equal(
      tree.files.find((f) => f.node === 'application/console')?.text,
      MINIMAL_TREE['application/console'],
    );
    const sources = sourcesOfSentTree(tree, (node) => `${dir}/${node}/formula.yaml`);
    assert.equal(sources && digestFormulaSources(sources), tree.digest);
  });

  it('refuses a tree it cannot read, where the probe only has no digest', async () => {
    await assert.rejects(readFormulaTreeFiles(`${dir}/nowhere`), { code: 'formula.tree-not-found' });
    assert.equal((await readFormulaTreeInfo(`${dir}/nowhere`)).digest, null);
  });
});
