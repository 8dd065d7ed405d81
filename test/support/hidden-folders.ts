/**
 * @module A mount namespace of its own in which folders are hidden under empty tmpfs mounts: a command run
 * there (the CLI) cannot read them, while the daemon, outside, still reads them. It proves that the CLI got
 * something through the daemon and not from those folders. Private propagation keeps the mounts out of the
 * test's own namespace; they end with the namespace.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The namespace: `argv` prefixes a command to run inside it; `close` ends it. */
export interface HiddenFolders {
  argv(command: readonly string[]): string[];
  close(): void;
}

/** Makes a mount namespace in which each of `dirs` is an empty folder. */
export async function hideFolders(dirs: readonly string[]): Promise<HiddenFolders> {
  // unshare execs sleep in the same process once the namespace exists: that process holds it.
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '600'], {
    stdio: 'ignore',
  });
  const pid = String(holder.pid);
  const ours = readlinkSync('/proc/self/ns/mnt');
  const theirs = () => {
    try {
      return readlinkSync(`/proc/${pid}/ns/mnt`);
    } catch {
      return ours; // not started yet
    }
  };
  for (let i = 0; i < 200 && theirs() === ours; i++) await sleep(10);
  // Mounting before unshare is done would hide the folders from the daemon too.
  assert.notEqual(theirs(), ours, 'unshare did not make a mount namespace');
  const enter = (command: readonly string[]) => ['nsenter', '-t', pid, '-m', '--', ...command];
  for (const dir of dirs) {
    const [bin = 'nsenter', ...args] = enter([
      'mount',
      '-t',
      'tmpfs',
      '-o',
      'size=1m,mode=0755',
      'tmpfs',
      dir,
    ]);
    const mounted = spawnSync(bin, args, { encoding: 'utf8' });
    assert.equal(mounted.status, 0, `cannot hide ${dir}: ${mounted.stderr}`);
  }
  return {
    argv: enter,
    close: () => {
      holder.kill();
    },
  };
}
