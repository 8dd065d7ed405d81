import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HOST_TOOLS } from '../../../src/probe/index.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

interface Check {
  name: string;
  ok: boolean;
  level: 'ok' | 'warn' | 'fail';
  warn?: boolean;
  detail: string;
  fix?: string;
}

/** Where a program is on this machine's PATH, if anywhere. */
function which(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(':')
    .map((dir) => path.join(dir, name))
    .find((file) => existsSync(file));
}

describe('portalgun doctor', { timeout: 120_000 }, () => {
  let daemon: TestDaemon;
  let bin: string;
  const doctor = (...extra: string[]) =>
    portalgun(['doctor', '--state', daemon.state, ...extra], {
      env: { PORTALGUN_RUN: daemon.run, PATH: bin },
    });
  before(async () => {
    daemon = await startTestDaemon();
    // A PATH holding every program this machine has, except tor and swtpm (optional: one feature each).
    bin = mkdtempSync('/tmp/mv-doctor-bin-');
    for (const tool of HOST_TOOLS.filter((t) => !t.name.startsWith('/'))) {
      const found = which(tool.name);
      if (found && tool.name !== 'tor' && tool.name !== 'swtpm')
        symlinkSync(found, path.join(bin, tool.name));
    }
  });
  after(async () => {
    await daemon.dispose();
    rmSync(bin, { recursive: true, force: true });
  });

  it('checks every tool the features need, and warns (exit 0) for a missing optional one, naming its feature', () => {
    const result = doctor('--json');
    assert.equal(result.status, 0, result.stdout);
    const { ok, checks } = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
    assert.equal(ok, true);
    const names = checks.map((c) => c.name);
    for (const tool of ['debootstrap', 'mkfs.erofs', 'passt', 'tor', 'wg', 'swtpm', 'qemu-img', 'nft', 'ip'])
      assert.ok(names.includes(tool), `doctor checks ${tool}`);
    assert.ok(names.includes('/usr/share/OVMF/OVMF_CODE_4M.fd'));
    const tor = checks.find((c) => c.name === 'tor');
    assert.deepEqual(
      { level: tor?.level, warn: tor?.warn, detail: tor?.detail, fix: tor?.fix },
      {
        level: 'warn',
        warn: true,
        detail: 'missing: only the star router image (service/router/star) needs it',
        fix: 'apt-get install --no-install-recommends tor',
      },
    );
    assert.match(checks.find((c) => c.name === 'daemon')?.detail ?? '', /formulas \/.+/);
    const text = doctor();
    assert.match(
      text.stdout,
      /^WARN +swtpm +missing: only a TPM in a portal \(devices\.tpm: true\) needs it +apt-get install --no-install-recommends swtpm$/m,
    );
  });

  it('fails (exit 6) when a required tool is missing, with the package that fixes it', () => {
    unlinkSync(path.join(bin, 'qemu-img'));
    const result = doctor();
    assert.equal(result.status, 6, result.stdout);
    assert.match(
      result.stdout,
      /^FAIL +qemu-img +missing: every portal's overlay needs it +apt-get install --no-install-recommends qemu-utils$/m,
    );
  });
});
