/**
 * @module The only place that starts QEMU. It takes a finished `LaunchPlan` and makes no decisions: argv
 * array (never a shell), the jail (below), stdout and stderr to a log file (not pipes, so QEMU outlives the
 * daemon without dying on a broken pipe), and its own session, so a daemon crash or a Ctrl-C in the
 * daemon's terminal never reaches it.
 *
 * The jail: QEMU starts in the portal namespace (a portal with NICs) or in a network namespace of its own
 * with nothing but a loopback that is down (every other portal), in a mount namespace of its own whose only
 * change is a proc inside the jail folder, under `setpriv` with no supplementary
 * groups, no inheritable capabilities, no_new_privs and a bounding set of only what its start needs as root
 * (opening its files in the portal's folders, its taps, the chroot and the drop); it opens every file,
 * socket and device it will use, then chroots into the portal's empty jail folder and becomes the portal's
 * uid (`-chroot`, `-runas`), holding no capability from then on.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { MvError } from '../../errors/index.js';

/** Everything needed to start one QEMU process. */
export interface LaunchPlan {
  readonly binary: string;
  readonly argv: readonly string[];
  readonly uid: number;
  readonly gid: number;
  readonly cwd: string;
  /** QEMU's own stdout and stderr go here. */
  readonly logFile: string;
  /** The network namespace QEMU runs in (for portals with NICs), or none. */
  readonly namespace?: string;
  /** Open descriptors QEMU inherits as 3, 4, … (the macvtap uplink's tap device, then USB device nodes). */
  readonly passFds?: readonly number[];
  /** The empty folder QEMU chroots into once started (the portal account's). */
  readonly chroot: string;
  /** RLIMIT_MEMLOCK for QEMU (soft and hard), when VFIO must pin guest memory; else the inherited one. */
  readonly memlockBytes?: number;
}

/**
 * The capabilities QEMU's start keeps as root: reading and writing its files in folders of the portal's
 * account, attaching to taps that account owns, the chroot, and dropping to the account.
 */
const START_CAPABILITIES = ['dac_override', 'net_admin', 'sys_chroot', 'setuid', 'setgid'] as const;

/**
 * The program and argv that start QEMU (each program execs the next, so the pid is QEMU's): the network
 * namespace, `prlimit` where the locked-memory limit must rise, `setpriv`, then QEMU with the launcher's
 * `-chroot` and `-runas` after the plan's own arguments (see the module doc).
 */
export function launchCommand(plan: LaunchPlan): { file: string; args: string[] } {
  const { memlockBytes: memlock } = plan;
  const chain = [
    ...(plan.namespace ? ['ip', 'netns', 'exec', plan.namespace] : []),
    // A mount namespace of its own with a proc at the jail's /proc, which QEMU's 9p server needs for its
    // /proc/self/fd paths after the chroot; the host never sees that mount.
    'unshare',
    '--mount',
    `--mount-proc=${plan.chroot}/proc`,
    ...(plan.namespace ? [] : ['--net']),
    '--',
    ...(memlock === undefined ? [] : ['prlimit', `--memlock=${memlock}:${memlock}`, '--']),
    'setpriv',
    '--clear-groups',
    '--inh-caps=-all',
    `--bounding-set=-all,${START_CAPABILITIES.map((cap) => `+${cap}`).join(',')}`,
    '--no-new-privs',
    '--',
    plan.binary,
    ...plan.argv,
    ...jailArgs(plan),
  ];
  const [file = 'setpriv', ...args] = chain;
  return { file, args };
}

/** What the launcher adds after the plan's arguments: QEMU's chroot and the account it becomes. */
export function jailArgs(plan: Pick<LaunchPlan, 'chroot' | 'uid' | 'gid'>): string[] {
  return ['-chroot', plan.chroot, '-runas', `${plan.uid}:${plan.gid}`];
}

/** A started QEMU: its pid, and a promise of its exit status while this process is its parent. */
export interface LaunchedQemu {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Opens QEMU's log for appending without following a link or blocking on a FIFO (its folder is the QEMU
 * account's), and only if it is a regular file.
 */
function openLog(file: string): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = constants;
  const refuse = () =>
    new MvError('portal.files-unsafe', `${file} is a link or not a regular file`, {
      hint: 'Something replaced it in the run folder; stop the portal and start it again.',
    });
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw refuse();
    throw error;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw refuse();
  }
  return fd;
}

/** Starts QEMU detached; throws `host.missing-tool` if the binary is missing. */
export function spawnQemu(plan: LaunchPlan): Promise<LaunchedQemu> {
  const log = openLog(plan.logFile);
  return new Promise((resolve, reject) => {
    const command = launchCommand(plan);
    const child = spawn(command.file, command.args, {
      cwd: plan.cwd,
      detached: true,
      stdio: ['ignore', log, log, ...(plan.passFds ?? [])],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('exit', (code, signal) => done({ code, signal }));
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      closeSync(log);
      reject(
        error.code === 'ENOENT'
          ? new MvError('host.missing-tool', `${plan.binary} is not installed on this host`, {
              hint: 'Install it: apt-get install qemu-system-x86 (or run scripts/setup.sh).',
            })
          : new MvError('qemu.spawn-failed', `Cannot start ${plan.binary}: ${error.message}`, {
              cause: error,
            }),
      );
    });
    child.once('spawn', () => {
      closeSync(log);
      child.unref();
      resolve({ pid: child.pid as number, exited });
    });
  });
}
