import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLevel, doctorPasses, HOST_TOOLS, planToolChecks } from './host-tools.js';

describe('the host tool table', () => {
  it('names every tool a feature needs, each with its Debian package', () => {
    const names = HOST_TOOLS.map((t) => t.name);
    for (const tool of ['debootstrap', 'mkfs.erofs', 'passt', 'tor', 'wg', 'swtpm', 'qemu-img', 'nft', 'ip'])
      assert.ok(names.includes(tool), tool);
    assert.ok(names.includes('/usr/share/OVMF/OVMF_CODE_4M.fd'));
    assert.ok(HOST_TOOLS.every((t) => /^[a-z0-9][a-z0-9.+-]+$/.test(t.pkg) && t.feature.length > 0));
  });

  it('fails the doctor for a missing required tool, warns for a missing optional one', () => {
    const checks = planToolChecks(HOST_TOOLS, (t) => t.name !== 'swtpm');
    const swtpm = checks.find((c) => c.name === 'swtpm');
    assert.ok(swtpm);
    assert.equal(checkLevel(swtpm), 'warn');
    assert.equal(swtpm.detail, 'missing: only a TPM in a portal (devices.tpm: true) needs it');
    assert.equal(swtpm.fix, 'apt-get install --no-install-recommends swtpm');
    assert.equal(doctorPasses(checks), true);

    const noQemuImg = planToolChecks(HOST_TOOLS, (t) => t.name !== 'qemu-img');
    const qemuImg = noQemuImg.find((c) => c.name === 'qemu-img');
    assert.ok(qemuImg);
    assert.equal(checkLevel(qemuImg), 'fail');
    assert.equal(doctorPasses(noQemuImg), false);
  });

  it('counts checks without a level as required', () => {
    assert.equal(checkLevel({ name: 'kernel', ok: false, detail: 'not installed' }), 'fail');
    assert.equal(checkLevel({ name: 'kernel', ok: true, detail: 'x' }), 'ok');
  });
});
