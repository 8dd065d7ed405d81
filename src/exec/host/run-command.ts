/**
 * @module Runs host programs with argv arrays (never a shell string) and turns failures into typed
 * errors: a missing program is `host.missing-tool` with the package that provides it, a non-zero exit is
 * `host.command-failed` with the last lines of its stderr.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MvError } from '../../errors/index.js';

/** The Debian package that provides each program portalgun runs, for "install X" hints. */
const PROVIDERS: Readonly<Record<string, string>> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  'mkfs.ext4': 'e2fsprogs',
  xz: 'xz-utils',
  busybox: 'busybox-static',
  ip: 'iproute2',
  nft: 'nftables',
  'apt-get': 'apt',
  'apt-cache': 'apt',
  'apt-config': 'apt',
  'dpkg-deb': 'dpkg',
  dpkg: 'dpkg',
  ldd: 'libc-bin',
  passt: 'passt',
  swtpm: 'swtpm',
};

/** Options of a command run. */
export interface RunOptions {
  readonly input?: Uint8Array;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Called with each complete line of stdout as it arrives (progress of long work). */
  readonly onStdoutLine?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Run as this account instead of the caller's (the QEMU account for per-portal helpers). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** What a finished command printed. */
export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `command args…` to completion; resolves with its output, rejects with an `MvError`. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  if (options.cwd !== undefined && !existsSync(options.cwd)) {
    return Promise.reject(
      new MvError(
        'host.command-failed',
        `Cannot run ${command}: its working folder ${options.cwd} is missing`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      signal: options.signal,
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (!options.onStdoutLine) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        const name = command.split('/').at(-1) ?? command;
        const provider = PROVIDERS[name];
        reject(
          new MvError('host.missing-tool', `"${name}" is not installed on this host`, {
            hint: provider
              ? `Install it: apt-get install ${provider} (or run scripts/setup.sh).`
              : 'Run scripts/setup.sh.',
            cause: error,
          }),
        );
      } else {
        reject(
          new MvError('host.command-failed', `Cannot run ${command}: ${error.message}`, { cause: error }),
        );
      }
    });
    child.on('close', (code, signal) => {
      const err = Buffer.concat(stderr).toString('utf8');
      if (code === 0) return resolve({ stdout: Buffer.concat(stdout), stderr: err });
      const tail = err.trim().split('\n').slice(-5).join('\n');
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const full = /No space left on device/i.test(err);
      reject(
        new MvError(
          full ? 'host.disk-full' : 'host.command-failed',
          `${command} ${how}${tail ? `: ${tail}` : ''}`,
          {
            hint: full
              ? 'Free disk space under the portalgun state folder and try again.'
              : 'See the message above; "portalgun doctor" checks the host.',
          },
        ),
      );
    });
    if (options.input && child.stdin) {
      // A program that exits early closes its stdin (EPIPE); its exit status already tells what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
