/**
 * Benchmark: portal boot through portalgun against raw QEMU, in the same run.
 * - Overhead: `portalgun up` (daemon request → ready, including the overlay, state writes and supervision)
 *   against qemu-system-x86_64 started by hand with the same argv, overlay and account, timed from spawn to
 *   the same marker (the guest's `ready` line on the status channel). Interleaved, 5 runs each. Target: < 10 %.
 * - Jail: the same raw QEMU started through the launcher's jail (qemu/host/launch.ts: namespaces, setpriv,
 *   chroot, the drop to the account) and moved into a control group with the formula's limits, as the daemon
 *   does, against started directly as the account, interleaved. Target: ≤ 5 %.
 * - Concurrency: 1, 4 and 8 portals started at once, time until all are ready.
 * - Memory: host RSS per portal minus its guest RAM.
 * Needs root, scripts/setup.sh, and a built CLI (npm run build). Run: npm run bench:boot
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createPortalCgroup,
  hostCgroups,
  joinPortalCgroup,
  portalCgroupOf,
  removePortalCgroup,
} from '../src/cgroup/host/index.js';
import { cgroupLimitsOf } from '../src/cgroup/index.js';
import { createOverlay } from '../src/image/host/qemu-img.js';
import { blobPath } from '../src/image/index.js';
import { planInstance, runFiles } from '../src/instance/index.js';
import { lookupUser, QEMU_USER } from '../src/probe/host/facts.js';
import { launchCommand } from '../src/qemu/host/launch.js';
import { renderQemuArgs, toArgv } from '../src/qemu/index.js';
import { bundledFormula } from '../test/support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../test/support/daemon.js';
import { ms } from './measure.js';

const RUNS = Number(process.env.BOOT_RUNS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function rawBoot(
  daemon: TestDaemon,
  image: { kernel: string; initrd: string; base: string },
  run: number,
  jailed = false,
): Promise<number> {
  const { manifest } = await bundledFormula('application/console');
  const owner = await lookupUser(QEMU_USER);
  if (!owner) throw new Error('run scripts/setup.sh first');
  const runDir = path.join(daemon.root, 'raw', `r${run}`);
  const shareDir = path.join(daemon.root, 'raw-share', `r${run}`);
  for (const dir of [runDir, shareDir]) {
    mkdirSync(dir, { recursive: true });
    chownSync(dir, owner.uid, owner.gid);
  }
  const blob = (digest: string) => blobPath(daemon.state, digest);
  const instance = planInstance(manifest, {
    name: `raw${run}`,
    hostId: (await daemon.call('system.version', {})).hostId,
    runDir,
    shareDir,
    overlay: `${runDir}/overlay.qcow2`,
    accel: 'tcg',
    tscKhz: 2_600_000,
    disks: {},
    artifacts: {
      kernel: blob(image.kernel),
      initrd: blob(image.initrd),
      base: { path: blob(image.base), format: 'raw' },
      layers: [],
      firmware: null,
    },
  });
  await createOverlay(instance.overlay, { path: blob(image.base), format: 'raw' });
  chownSync(instance.overlay, owner.uid, owner.gid);
  const { status, jail, logs } = runFiles(runDir);
  mkdirSync(path.join(jail, 'proc'), { recursive: true });
  mkdirSync(logs);
  chownSync(logs, owner.uid, owner.gid);
  const argv = toArgv(renderQemuArgs(manifest, instance));
  const launch = {
    binary: 'qemu-system-x86_64',
    argv,
    ...owner,
    cwd: runDir,
    chroot: jail,
    logFile: '/dev/null',
  };
  const command = jailed ? launchCommand(launch) : { file: launch.binary, args: argv };
  const cgroups = await hostCgroups();
  if (!cgroups) throw new Error('this host offers no cgroup controllers');
  const limits = cgroupLimitsOf(manifest);
  const group = portalCgroupOf(cgroups, path.join(daemon.root, 'raw'), `raw${run}`);
  const started = performance.now();
  if (jailed) await createPortalCgroup(cgroups, group, limits);
  const qemu = spawn(command.file, command.args, {
    ...(jailed ? {} : { uid: owner.uid, gid: owner.gid }),
    stdio: 'ignore',
  });
  if (jailed && qemu.pid) await joinPortalCgroup(group, limits, qemu.pid);
  while (!(existsSync(status) && readFileSync(status, 'utf8').includes('ready'))) await sleep(20);
  const elapsed = performance.now() - started;
  qemu.kill('SIGKILL');
  await new Promise((resolve) => qemu.once('exit', resolve));
  if (jailed) await removePortalCgroup(group);
  rmSync(runDir, { recursive: true, force: true });
  return elapsed;
}

async function upDown(daemon: TestDaemon, name: string): Promise<number> {
  const started = performance.now();
  await daemon.call('portal.up', { formula: 'application/console', name });
  const elapsed = performance.now() - started;
  await daemon.call('portal.down', { name, force: true });
  return elapsed;
}

async function concurrent(
  daemon: TestDaemon,
  count: number,
): Promise<{ allReady: number; rssOverheadMiB: number }> {
  const names = Array.from({ length: count }, (_, i) => `c${count}-${i}`);
  const started = performance.now();
  await Promise.all(names.map((name) => daemon.call('portal.up', { formula: 'application/console', name })));
  const allReady = performance.now() - started;
  const { portals } = await daemon.call('portal.list', {});
  const overheads = portals
    .filter((p) => names.includes(p.name))
    .map((p) => (p.rssKiB ?? 0) / 1024 - p.memoryMiB);
  await Promise.all(names.map((name) => daemon.call('portal.down', { name, force: true })));
  return { allReady, rssOverheadMiB: median(overheads) };
}

const daemon = await startTestDaemon();
try {
  const image = await daemon.call('image.build', { formula: 'application/console' });
  if (!image.base) throw new Error('console image has no base');
  const raw: number[] = [];
  const jailed: number[] = [];
  const portalgun: number[] = [];
  const files = { kernel: image.kernel, initrd: image.initrd, base: image.base };
  for (let run = 0; run < RUNS; run++) {
    raw.push(await rawBoot(daemon, files, run));
    jailed.push(await rawBoot(daemon, files, run, true));
    portalgun.push(await upDown(daemon, `bench-${run}`));
  }
  const overhead = median(portalgun) / median(raw) - 1;
  const jailOverhead = median(jailed) / median(raw) - 1;
  console.log(`boot to ready, application/console, TCG, ${RUNS} interleaved runs each`);
  console.log('| measure | median | min | max |');
  console.log('|---|---|---|---|');
  for (const [label, values] of [
    ['raw qemu-system-x86_64 (baseline)', raw],
    ['raw qemu-system-x86_64 in the jail', jailed],
    ['portalgun up (subject)', portalgun],
  ] as const) {
    console.log(
      `| ${label} | ${ms(median(values))} | ${ms(Math.min(...values))} | ${ms(Math.max(...values))} |`,
    );
  }
  console.log(`overhead: ${(overhead * 100).toFixed(1)} % (target < 10 %)`);
  console.log(`jail overhead: ${(jailOverhead * 100).toFixed(1)} % (target ≤ 5 %)`);
  console.log('| portals at once | all ready | host RSS per portal beyond guest RAM |');
  console.log('|---|---|---|');
  for (const count of [1, 4, 8]) {
    const result = await concurrent(daemon, count);
    console.log(`| ${count} | ${ms(result.allReady)} | ${result.rssOverheadMiB.toFixed(0)} MiB |`);
  }
  process.exitCode = overhead < 0.1 && jailOverhead <= 0.05 ? 0 : 1;
} finally {
  await daemon.dispose();
}
