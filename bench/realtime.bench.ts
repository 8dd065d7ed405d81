/**
 * Benchmark: timer latency inside a portal, with its vCPU thread pinned to host CPU 1 under SCHED_FIFO
 * (`machine.cpuset`, `machine.priority`) against the same portal unpinned, in the same run, while two
 * busy loops load every host CPU (the case placement is for). The probe is Debian's `cyclictest` (rt-tests),
 * copied into a micro image like busybox. Under TCG, as on these machines, the guest's timer runs on an
 * emulated CPU: the figures describe this emulator, not a real-time host, and are labelled as such.
 * Needs root, scripts/setup.sh and a built CLI (npm run build). Run: npm run bench:realtime
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { startTestDaemon } from '../test/support/daemon.js';

const ROUNDS = Number(process.env.REALTIME_ROUNDS ?? 3);
const LOOPS = 3_000;

const USER_FORMULAS = {
  'application/latency': `extends: application/console
description: a console with cyclictest, for the real-time benchmark
packages: [rt-tests]
agent: { run: [/usr/bin/cyclictest] }
`,
  'application/latency-rt': `extends: application/latency
description: the same, its vCPU pinned to host CPU 1 under SCHED_FIFO 10
machine: { cpuset: "1", priority: 10 }
`,
};

/** One cyclictest summary: microseconds. */
interface Latency {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
}

/** Two busy loops, one per host CPU of these machines, at the normal priority. */
function loadHost(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
try {
  const portals = { unpinned: 'loose', 'pinned, SCHED_FIFO 10': 'steady' } as const;
  await daemon.call('portal.up', { formula: 'application/latency', name: portals.unpinned });
  await daemon.call('portal.up', {
    formula: 'application/latency-rt',
    name: portals['pinned, SCHED_FIFO 10'],
  });
  const measure = async (portal: string): Promise<Latency> => {
    const { result } = await daemon.call('portal.exec', {
      name: portal,
      verb: 'run',
      args: ['/usr/bin/cyclictest', '-m', '-q', '-t', '1', '-p', '80', '-i', '1000', '-l', String(LOOPS)],
    });
    const { stdout } = result as { stdout: string };
    const field = (name: string) => Number(new RegExp(`${name}:\\s*(\\d+)`).exec(stdout)?.[1]);
    return { min: field('Min'), avg: field('Avg'), max: field('Max') };
  };
  const seen: Record<string, Latency[]> = { unpinned: [], 'pinned, SCHED_FIFO 10': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, portal] of Object.entries(portals)) {
      const load = loadHost();
      try {
        seen[label]?.push(await measure(portal));
      } finally {
        for (const loop of load) loop.kill();
      }
    }
  }
  console.log(
    `cyclictest in a portal, TCG, ${LOOPS} wake-ups of 1 ms, ${ROUNDS} interleaved rounds, host loaded`,
  );
  console.log('| vCPU thread | avg (median of rounds) | max (median) | max (worst) |');
  console.log('|---|---|---|---|');
  for (const [label, values] of Object.entries(seen)) {
    const max = values.map((v) => v.max);
    console.log(
      `| ${label} | ${median(values.map((v) => v.avg))} µs | ${median(max)} µs | ${Math.max(...max)} µs |`,
    );
  }
} finally {
  await daemon.dispose();
}
