import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { type BuildInputs, imageKeyOf } from './image-record.js';
import { guestFilesDigest } from './micro-plan.js';

const OWNER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const INPUTS: BuildInputs = {
  builder: 'b/1',
  guest: digest('1'),
  kernel: digest('2'),
  agent: digest('3'),
  node: digest('4'),
  busybox: digest('5'),
  layers: [],
};

describe('image keys', () => {
  it('change when the formula or any single build input changes, and only then', () => {
    const base = imageKeyOf(digest('a'), INPUTS);
    assert.equal(imageKeyOf(digest('a'), { ...INPUTS }), base);
    assert.notEqual(imageKeyOf(digest('b'), INPUTS), base);
    for (const field of Object.keys(INPUTS) as (keyof BuildInputs)[]) {
      assert.notEqual(
        imageKeyOf(digest('a'), {
          ...INPUTS,
          [field]: field === 'builder' ? 'b/2' : field === 'layers' ? [digest('9')] : digest('9'),
        }),
        base,
        field,
      );
    }
  });

  it('cover the generated guest files: another verb list gives another digest', async () => {
    const { manifest, hash } = await bundledFormula('application/console');
    const before = guestFilesDigest(manifest, { formulaHash: hash, owner: OWNER });
    assert.equal(guestFilesDigest(manifest, { formulaHash: hash, owner: OWNER }), before);
    const fewerVerbs = { ...manifest, agent: { ...manifest.agent, verbs: ['ping' as const] } };
    assert.notEqual(guestFilesDigest(fewerVerbs, { formulaHash: hash, owner: OWNER }), before);
    assert.notEqual(
      guestFilesDigest(manifest, { formulaHash: hash, owner: `b${OWNER.slice(1)}` }),
      before,
      'another owner',
    );
    assert.notEqual(
      guestFilesDigest(manifest, { formulaHash: hash, owner: OWNER, layers: 2 }),
      before,
      'a stack of layers under the root',
    );
  });
});
