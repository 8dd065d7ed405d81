import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { renderDisksScript } from './_guest-disks.js';

describe('the disks a portal mounts at boot', () => {
  it('formats a blank disk once and mounts it where the formula says, in name order', async () => {
    const { manifest } = await bundledFormula('service/router/star');
    assertGolden('src/image/testdata/disks-star.sh', renderDisksScript(manifest) ?? '');
  });

  it('gives a fresh file system to the program user in a portal with a program', async () => {
    const { manifest } = await bundledFormula('application/project/development/software/rust');
    assert.match(renderDisksScript(manifest) ?? '', /owner=65534:65534; mode=755; fi/);
    assert.match(renderDisksScript(manifest) ?? '', /^mount_disk workspace \/workspace \|\| exit 1$/m);
  });

  it('is absent when no disk has a mount point', async () => {
    const { manifest } = await bundledFormula('application/console');
    assert.equal(renderDisksScript(manifest), undefined);
    const bare = { ...manifest, disks: { scratch: { size: 64, persistent: false, mountPoint: null } } };
    assert.equal(renderDisksScript(bare), undefined);
  });
});
