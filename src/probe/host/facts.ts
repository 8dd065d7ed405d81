/**
 * @module Reads host facts without changing anything: CPU flags and KVM flavour, the unprivileged account
 * QEMU runs as, and which tools are installed. Used by the daemon and by `portalgun doctor`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type CpuFacts, parseCpuinfo } from '../accel.js';

/** The account QEMU runs as: never root. */
export const QEMU_USER = 'multiverse-qemu';

/** CPU flags, KVM device and flavour. */
export async function readCpuFacts(): Promise<CpuFacts> {
  const { flags, mhz } = parseCpuinfo(await readFile('/proc/cpuinfo', 'utf8'));
  return { flags, kvmDevice: existsSync('/dev/kvm'), kvmPvm: existsSync('/sys/module/kvm_pvm'), cpuMhz: mhz };
}

/** uid and gid of a local account from /etc/passwd, or undefined if there is none. */
export async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Whether an executable is on the PATH. */
export function hasTool(name: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((dir) => existsSync(`${dir}/${name}`));
}
