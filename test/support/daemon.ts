/**
 * @module A real portalgun daemon for integration tests: its own state and run folders (sharing the test
 * cache's kernel and image store, so images are built once per cache, unless a test asks for a store of its
 * own), started as a separate process
 * the way `portalgun daemon` starts it, and a leak cop that proves a test left nothing behind. Every test is
 * also a check of the methods' error contract: disposing fails if the daemon ever logged an error code its
 * method does not declare.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostCgroups, portalCgroupOf } from '../../src/cgroup/host/index.js';
import { callDaemon } from '../../src/cli/daemon-client.js';
import { upPortal } from '../../src/cli/signed-images.js';
import { isListening } from '../../src/daemon/door/server.js';
import { UNDECLARED_ERROR } from '../../src/daemon/door/signed-call.js';
import { readKernel } from '../../src/image/host/kernel.js';
import { blobPath } from '../../src/image/index.js';
import { namespaceName } from '../../src/net/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from '../../src/policy/index.js';
import type { MethodName, MethodParamsInput, MethodResult } from '../../src/protocol/index.js';
import { REPO_ROOT } from './catalogue.js';
import { bundledTreeWith } from './cli.js';
import { registerTestOwner } from './identity.js';

/**
 * The tests' own kernel and image store, shared by the daemons of one run (images are built once per cache):
 * scripts/run-tests.mjs sets it and installs the kernel there. Never the machine's /var/lib/multiverse.
 */
export const TEST_CACHE = path.resolve(
  process.env.MULTIVERSE_TEST_CACHE ?? path.join(REPO_ROOT, '.cache/test'),
);

/** The descriptor `leakDescriptor` hands the daemon. */
export const LEAKED_FD = 100;

const NO_KERNEL = `no kernel in the test cache ${TEST_CACHE}: run the tests with scripts/run-tests.mjs`;

/** A daemon under test. */
export interface TestDaemon {
  readonly root: string;
  readonly state: string;
  readonly run: string;
  readonly socketPath: string;
  readonly logFile: string;
  /** Calls a method as the CLI would: `portal.up` prepares and signs the image first, like `portalgun up`. */
  call<M extends MethodName>(method: M, params: MethodParamsInput<M>): Promise<MethodResult<M>>;
  /** Calls exactly one method, nothing first (to boot an image whose signature the test has changed). */
  callDirect<M extends MethodName>(method: M, params: MethodParamsInput<M>): Promise<MethodResult<M>>;
  /** Kills the daemon process with SIGKILL (portals keep running). */
  kill9(): Promise<void>;
  /** Starts the daemon again on the same folders (`env`: its added environment from now on). */
  restart(options?: { env?: NodeJS.ProcessEnv }): Promise<void>;
  /**
   * Stops every portal, stops the daemon, checks for leaks and for undeclared error codes in its log, and
   * removes the folders.
   */
  dispose(): Promise<void>;
}

function startProcess(
  folders: { state: string; run: string; logFile: string },
  options: {
    formulas?: string | undefined;
    env?: NodeJS.ProcessEnv | undefined;
    leakDescriptor?: boolean | undefined;
  },
): ChildProcess {
  const log = openSync(folders.logFile, 'a');
  const args = [path.join(REPO_ROOT, 'dist/src/daemon/main.js'), 'run', '--state', folders.state];
  args.push('--run', folders.run);
  if (options.formulas) args.push('--formulas', options.formulas);
  const env = { ...process.env, ...options.env };
  // A careless parent: descriptor 100 is a socket without close-on-exec (Node itself marks the first few
  // descriptors it inherits close-on-exec, so a low one would prove nothing).
  const leak = options.leakDescriptor
    ? [...Array<'ignore'>(LEAKED_FD - 3).fill('ignore'), 'pipe' as const]
    : [];
  return spawn(process.execPath, args, { stdio: ['ignore', log, log, ...leak], env });
}

/**
 * The tests' own policy, ahead of the default one: the owner may do anything without rate limits, so tests
 * that boot many portals are not throttled. Tests of the default policy pass `policy: null`.
 */
export const TEST_POLICY = '# integration tests: the owner may do anything, unthrottled\n* @owner * allow\n';

/**
 * Gives a state folder the test cache's kernels and a store of its own holding copies of the kernel blobs, for tests
 * that change or delete blobs (the shared store is used by every test running at the same time).
 */
async function privateStore(state: string): Promise<void> {
  const kernel = await readKernel(TEST_CACHE, 'debian-generic');
  assert.ok(kernel, NO_KERNEL);
  symlinkSync(path.join(TEST_CACHE, 'kernels'), path.join(state, 'kernels'));
  mkdirSync(path.join(state, 'store/sha256'), { recursive: true });
  for (const digest of [kernel.vmlinuxDigest, kernel.bzImageDigest]) {
    copyFileSync(blobPath(TEST_CACHE, digest), blobPath(state, digest));
    chmodSync(blobPath(state, digest), 0o444);
  }
}

/**
 * Starts a daemon on fresh folders; `formulas` picks another formula tree; `store: 'private'` gives it an
 * image store of its own (builds start from scratch), `withKernel: false` none at all; `env` adds to its
 * environment.
 */
export async function startTestDaemon(
  given: {
    formulas?: string;
    /** Formulas a user adds to the bundled tree (`{ node: yaml }`); the copy goes with the daemon. */
    userFormulas?: Readonly<Record<string, string>>;
    withKernel?: boolean;
    policy?: string | null;
    store?: 'shared' | 'private';
    /** Added to the daemon's environment (e.g. PORTALGUN_FORMULAS). */
    env?: NodeJS.ProcessEnv;
    /** Starts it with an inherited descriptor (LEAKED_FD) that lacks close-on-exec, as a careless parent would. */
    leakDescriptor?: boolean;
  } = {},
): Promise<TestDaemon> {
  const userTree = given.userFormulas ? bundledTreeWith(given.userFormulas) : undefined;
  const options = userTree ? { ...given, formulas: userTree } : given;
  const root = mkdtempSync('/tmp/mv-it-');
  chmodSync(root, 0o755);
  const state = path.join(root, 'state');
  const run = path.join(root, 'run');
  mkdirSync(state, { mode: 0o755 });
  mkdirSync(run, { mode: 0o755 });
  if (options.store === 'private') {
    await privateStore(state);
  } else if (options.withKernel !== false) {
    assert.ok(existsSync(path.join(TEST_CACHE, 'kernels')), NO_KERNEL);
    for (const shared of ['kernels', 'store', 'images']) {
      mkdirSync(path.join(TEST_CACHE, shared), { recursive: true });
      symlinkSync(path.join(TEST_CACHE, shared), path.join(state, shared));
    }
  }
  await registerTestOwner(state);
  const policy = options.policy === undefined ? TEST_POLICY : options.policy;
  if (policy !== null) {
    mkdirSync(path.join(state, 'policy.d'), { mode: 0o700 });
    writeFileSync(path.join(state, 'policy.d', '50-test.policy'), policy);
    writeFileSync(path.join(state, 'policy.d', DEFAULT_POLICY_FILE), DEFAULT_POLICY);
  }
  const socketPath = path.join(run, 'portalgun.sock');
  const logFile = path.join(root, 'daemon.log');
  let env = options.env;
  let child = startProcess({ state, run, logFile }, { ...options, env });
  const waitUp = async () => {
    for (let i = 0; i < 200 && !(await isListening(socketPath)); i++) await sleep(50);
    assert.ok(await isListening(socketPath), `the daemon did not start:\n${readFileSync(logFile, 'utf8')}`);
  };
  await waitUp();
  const daemon: TestDaemon = {
    root,
    state,
    run,
    socketPath,
    logFile,
    call: (method, params) =>
      method === 'portal.up'
        ? (upPortal(params as MethodParamsInput<'portal.up'>, { socketPath }) as Promise<never>)
        : callDaemon(method, params, { socketPath }),
    callDirect: (method, params) => callDaemon(method, params, { socketPath }),
    async kill9() {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
    async restart(again = {}) {
      env = again.env ?? env;
      child = startProcess({ state, run, logFile }, { ...options, env });
      await waitUp();
    },
    async dispose() {
      try {
        const { portals } = await daemon.call('portal.list', {});
        for (const portal of portals.filter((p) => p.state !== 'stopped' && p.state !== 'crashed')) {
          await daemon.call('portal.down', { name: portal.name, force: true });
        }
      } finally {
        child.kill('SIGTERM');
        if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      }
      assertNoLeaks(run);
      await assertNoControlGroupsLeft(run);
      assertErrorContractKept(logFile);
      unmountSharesUnder(root);
      rmSync(root, { recursive: true, force: true });
      if (userTree) rmSync(userTree, { recursive: true, force: true });
    },
  };
  return daemon;
}

/**
 * No portal's control group is left in the daemon's own group (which every portal's sits in), and that
 * group, empty, is removed: a real daemon keeps it for its next portal, a test daemon has none.
 */
export async function assertNoControlGroupsLeft(run: string): Promise<void> {
  const host = await hostCgroups();
  if (!host) return;
  for (const dir of portalCgroupOf(host, run, '-').dirs.map((d) => path.dirname(d))) {
    if (!existsSync(dir)) continue;
    const groups = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    assert.deepEqual(
      groups.map((e) => e.name),
      [],
      `control groups left behind in ${dir}`,
    );
    rmdirSync(dir);
  }
}

/**
 * Unmounts the share images a test daemon mounted below `root` (they stay mounted while a daemon runs, and
 * after it, as on a host), so removing the test's folder removes them.
 */
function unmountSharesUnder(root: string): void {
  const targets = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(Number.parseInt(octal, 8)),
      ),
    )
    .filter((target) => target.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) spawnSync('umount', [target]);
}

/**
 * Fails when the daemon's log reports a method answering with an error code it does not declare
 * (daemon/door/signed-call.ts), which its caller saw as `internal.bug`.
 */
function assertErrorContractKept(logFile: string): void {
  const broken = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(UNDECLARED_ERROR));
  assert.deepEqual(
    broken,
    [],
    `the daemon answered with error codes its methods do not declare (src/protocol); see ${logFile}`,
  );
}

/** QEMU processes whose command line mentions `dir`. */
export function qemuProcessesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('qemu-system') && cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked: it cannot be a leak.
    }
  }
  return pids;
}

/** The leak cop: no QEMU, no run folder, no socket, overlay or mount under `run`, no portal namespace. */
export function assertNoLeaks(run: string): void {
  assert.deepEqual(qemuProcessesUnder(run), [], 'QEMU processes left running');
  const portals = path.join(run, 'portals');
  const left = existsSync(portals) ? readdirSync(portals) : [];
  assert.deepEqual(left, [], `run folders left behind: ${left.join(', ')}`);
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((line) => line.includes(run));
  assert.deepEqual(mounts, [], 'mounts left behind');
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.ok(!namespaces.includes(namespaceName(run)), `network namespace ${namespaceName(run)} left behind`);
}
