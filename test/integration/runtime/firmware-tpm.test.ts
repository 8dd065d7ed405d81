/**
 * Firmware and the emulated TPM with real QEMU: consoles a user made q35 portals of, booted through OVMF
 * (UEFI, with an ephemeral or a persistent TPM) and through SeaBIOS, and what the guest sees of each.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPortalUid } from '../../../src/instance/index.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell } from '../../support/uplink-tree.js';

const q35 = (text: string) => `extends: application/console\nmachine: { type: q35 }\n${text}`;
const USER_FORMULAS = {
  'application/uefi': q35(
    'description: a console on UEFI with a TPM\nboot: { firmware: ovmf }\ndevices: { tpm: ephemeral }\n',
  ),
  'application/vault': q35(
    'description: a console whose TPM survives it\nboot: { firmware: ovmf }\ndevices: { tpm: persistent }\n',
  ),
  'application/legacy': q35('description: a console on a legacy BIOS\nboot: { firmware: seabios }\n'),
};

/** What the guest knows about its firmware and TPM. */
const PROBE = [
  'echo "efi=$(test -d /sys/firmware/efi && echo yes || echo no)"',
  'echo "vendor=$(cat /sys/class/dmi/id/bios_vendor)"',
  'echo "tpm=$(test -c /dev/tpm0 && test -c /dev/tpmrm0 && cat /sys/class/tpm/tpm0/tpm_version_major || echo none)"',
].join('; ');

/**
 * The TPM's reset count, which it keeps in its state and raises at every power-on: TPM2_ReadClock written
 * to /dev/tpm0 (tag NO_SESSIONS, size 10, command 0x181); resetCount is bytes 26–29 of the answer.
 */
const READ_CLOCK = [
  'exec 3<>/dev/tpm0',
  "printf '\\200\\001\\000\\000\\000\\012\\000\\000\\001\\201' >&3",
  'dd bs=64 count=1 <&3 2>/dev/null | od -An -v -tu1',
].join('; ');

/** The uid of a running process, or undefined. */
function uidOf(pid: number): number | undefined {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^Uid:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

describe('firmware and TPM', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  /** `portalgun plan` prints exactly the argv the running QEMU got (the TSC rate aside: the CLI cannot know it). */
  const assertPlanIsWhatRuns = async (name: string, node: string) => {
    const portal = (await daemon.call('portal.list', {})).portals.find((p) => p.name === name);
    assert.ok(portal?.pid);
    const tsc = (args: readonly string[]) =>
      args.map((a) => a.replace(/tsc_early_khz=\d+/, 'tsc_early_khz=N'));
    const cmdline = readFileSync(`/proc/${portal.pid}/cmdline`, 'utf8').split('\0').slice(1, -1);
    // The launcher's jail follows the plan's arguments: QEMU's chroot and the account it becomes.
    const running = cmdline.slice(0, -4);
    assert.deepEqual(cmdline.slice(-4, -3), ['-chroot']);
    const planned = portalgun(
      ['--run', daemon.run, '--json', 'plan', node, '--name', name, '--accel', portal.accel],
      { env: { PORTALGUN_STATE: daemon.state } },
    );
    assert.equal(planned.status, 0, planned.stderr);
    assert.equal(planned.stderr, '', 'the plan names the built image, no stand-in');
    assert.deepEqual(tsc(JSON.parse(planned.stdout).argv.slice(1)), tsc(running));
  };
  const tpmResetCount = async (portal: string): Promise<number> => {
    const answer = await portalShell(daemon, portal, READ_CLOCK);
    const bytes = answer.stdout.trim().split(/\s+/).map(Number);
    assert.equal(bytes.length, 35, `a ReadClock answer: ${answer.stdout} ${answer.stderr}`);
    return bytes.slice(26, 30).reduce((count, byte) => count * 256 + (byte ?? 0), 0);
  };
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it('boots through OVMF with its own variable store and an ephemeral TPM 2.0 run as the QEMU account', async () => {
    await daemon.call('portal.up', { formula: 'application/uefi', name: 'uefi' });
    const seen = await portalShell(daemon, 'uefi', PROBE);
    assert.equal(seen.exitCode, 0, seen.stderr);
    assert.match(seen.stdout, /^efi=yes$/m);
    assert.match(seen.stdout, /^vendor=EFI Development Kit II \/ OVMF$/m);
    assert.match(seen.stdout, /^tpm=2$/m);
    const runDir = path.join(daemon.run, 'portals', 'uefi');
    assert.ok(statSync(path.join(runDir, 'OVMF_VARS.fd')).isFile(), 'the portal has its own UEFI variables');
    const swtpm = Number(readFileSync(path.join(runDir, 'swtpm.pid'), 'utf8').trim());
    const qemu = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'uefi')?.pid;
    assert.ok(qemu);
    assert.ok(isPortalUid(uidOf(swtpm) ?? 0), 'swtpm runs as a portal account');
    assert.equal(uidOf(swtpm), uidOf(qemu), "swtpm runs as its portal's own account, QEMU's");
    assert.ok(
      existsSync(path.join(runDir, 'tpm', 'tpm2-00.permall')),
      'the ephemeral state is in the run folder',
    );
    const plan = portalgun(['--run', daemon.run, 'plan', 'application/uefi']);
    assert.match(
      plan.stdout,
      /if=pflash,format=raw,unit=0,readonly=on,file=\/usr\/share\/OVMF\/OVMF_CODE_4M\.fd/,
    );
    assert.match(plan.stdout, /tpm-crb,tpmdev=tpm0/);
    await assertPlanIsWhatRuns('uefi', 'application/uefi');

    await daemon.call('portal.down', { name: 'uefi', force: false });
    for (let i = 0; i < 50 && existsSync(`/proc/${swtpm}`); i++) await sleep(100);
    assert.ok(!existsSync(`/proc/${swtpm}`), 'swtpm ends with the portal');
    assert.ok(!existsSync(runDir), 'its state went with the run folder');
  });

  it('keeps a persistent TPM state in the volumes across boots: its reset count goes on', async () => {
    const state = path.join(daemon.state, 'volumes', 'vault', 'tpm', 'tpm2-00.permall');
    await daemon.call('portal.up', { formula: 'application/vault', name: 'vault' });
    const first = await tpmResetCount('vault');
    await daemon.call('portal.down', { name: 'vault', force: false });
    assert.ok(existsSync(state), 'the state outlives the portal');
    await daemon.call('portal.up', { formula: 'application/vault', name: 'vault' });
    const second = await tpmResetCount('vault');
    assert.ok(second > first, `the same TPM came back (reset count ${first}, then ${second})`);
    await daemon.call('portal.down', { name: 'vault', force: false });
  });

  it('boots through SeaBIOS: a legacy BIOS, no UEFI, no TPM', async () => {
    await daemon.call('portal.up', { formula: 'application/legacy', name: 'legacy' });
    const seen = await portalShell(daemon, 'legacy', PROBE);
    assert.match(seen.stdout, /^efi=no$/m);
    assert.match(seen.stdout, /^vendor=SeaBIOS$/m);
    assert.match(seen.stdout, /^tpm=none$/m);
    await daemon.call('portal.down', { name: 'legacy', force: false });
  });
});
