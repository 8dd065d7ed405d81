import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestFormulaSources, sourcesOfSentTree } from './tree-digest.js';

const a = { node: 'application', file: 'formulas/application/formula.yaml', text: 'class: application\n' };
const b = { node: 'application/x', file: 'formulas/application/x/formula.yaml', text: 'description: x\n' };

describe('digestFormulaSources', () => {
  it('depends on the nodes and texts, not on the order read or the names shown', () => {
    const digest = digestFormulaSources([a, b]);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(digestFormulaSources([b, a]), digest);
    assert.equal(digestFormulaSources([{ ...a, file: '/elsewhere/formula.yaml' }, b]), digest);
  });

  it('changes with any byte of any file, and with a file added', () => {
    const digest = digestFormulaSources([a, b]);
    assert.notEqual(digestFormulaSources([a, { ...b, text: 'description: x \n' }]), digest);
    assert.notEqual(digestFormulaSources([a]), digest);
  });
});

describe('sourcesOfSentTree', () => {
  const files = [a, b].map(({ node, text }) => ({ node, text }));
  const name = (node: string) => `/srv/tree/${node}/formula.yaml`;

  it("names each file under the sender's folder when the files match the digest sent with them", () => {
    const sources = sourcesOfSentTree({ digest: digestFormulaSources([a, b]), files }, name);
    assert.deepEqual(
      sources?.map((s) => [s.node, s.file, s.text]),
      [
        ['application', '/srv/tree/application/formula.yaml', a.text],
        ['application/x', '/srv/tree/application/x/formula.yaml', b.text],
      ],
    );
  });

  it('refuses files that do not match their digest: one changed, one missing, one added', () => {
    const digest = digestFormulaSources([a, b]);
    const changed = [files[0], { node: 'application/x', text: 'description: y\n' }];
    for (const sent of [changed, files.slice(0, 1), [...files, { node: 'application/z', text: '{}\n' }]]) {
      assert.equal(
        sourcesOfSentTree({ digest, files: sent.filter((f) => f !== undefined) }, name),
        undefined,
      );
    }
  });
});
