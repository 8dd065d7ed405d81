/**
 * @module Closes the descriptors a process inherited without close-on-exec (3 and up), so nothing its parent
 * leaked reaches the programs it starts: QEMU above all, which would otherwise hold whatever pipe or socket
 * the daemon's parent forgot. Everything Node and libuv open is close-on-exec, so an inherited descriptor is
 * told apart by the O_CLOEXEC bit of its `flags` in /proc/self/fdinfo. A descriptor meant for a child is
 * handed over through spawn's stdio array, which duplicates it into place whatever its flags.
 */
import { closeSync, readdirSync, readFileSync } from 'node:fs';

/** O_CLOEXEC as fdinfo's octal `flags` shows it. */
const O_CLOEXEC = 0o2000000;

/** Whether an fdinfo text says the descriptor survives exec; undefined when it has no flags line. */
export function survivesExec(fdinfo: string): boolean | undefined {
  const flags = /^flags:\s+([0-7]+)$/m.exec(fdinfo)?.[1];
  return flags === undefined ? undefined : (Number.parseInt(flags, 8) & O_CLOEXEC) === 0;
}

/** Closes every descriptor from 3 up that would survive exec; returns their numbers. */
export function closeInheritedDescriptors(): number[] {
  const closed: number[] = [];
  for (const entry of readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd < 3) continue;
    let info: string;
    try {
      info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // the descriptor that listed the folder, closed already
    }
    if (survivesExec(info) !== true) continue;
    closeSync(fd);
    closed.push(fd);
  }
  return closed;
}
