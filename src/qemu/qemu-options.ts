/**
 * @module Small helpers for QEMU's option syntax, and the constants whose reasons must travel with them
 * (the seccomp sandbox options, the device names of the two machine types).
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';

/** One QEMU command-line argument: a flag and, for most flags, its value. */
export interface QemuArg {
  readonly flag: string;
  readonly value?: string;
}

type PropValue = string | number | boolean;

/** A QEMU option value, `head,key=value,...`, with commas inside values doubled as QEMU requires. */
export function qemuOpts(
  head: string | null,
  props: Readonly<Record<string, PropValue | undefined>> = {},
): string {
  const parts = head === null ? [] : [escapeCommas(head)];
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
    parts.push(`${key}=${escapeCommas(text)}`);
  }
  return parts.join(',');
}

function escapeCommas(text: string): string {
  return text.replaceAll(',', ',,');
}

/** An argument with a value. */
export function arg(flag: string, value?: string): QemuArg {
  return value === undefined ? { flag } : { flag, value };
}

/** A `-device` argument. */
export function device(driver: string, props: Readonly<Record<string, PropValue | undefined>> = {}): QemuArg {
  return arg('-device', qemuOpts(driver, props));
}

/**
 * QEMU's seccomp sandbox:
 * - `obsolete=deny`: no obsolete system calls;
 * - `spawn=deny`: no fork/exec, so it cannot start helpers or shells;
 * - `resourcecontrol=deny`: no changing its own scheduling or CPU affinity.
 * `elevateprivileges` stays allowed because QEMU itself drops to the portal's uid after its chroot (the
 * launcher's `-chroot`/`-runas`, qemu/host/launch.ts), which the filter installed earlier would kill; once
 * dropped it holds no capability and runs with no_new_privs, so no set*uid call can regain root.
 */
export const SANDBOX_OPTIONS = qemuOpts('on', {
  obsolete: 'deny',
  spawn: 'deny',
  resourcecontrol: 'deny',
});

/** The bus flavour of virtio devices: mmio on microvm (no PCI bus), PCI on q35. */
export function virtioDevice(manifest: Manifest, kind: 'blk' | 'net' | '9p' | 'serial' | 'rng'): string {
  return `virtio-${kind}-${manifest.machine.type === 'microvm' ? 'device' : 'pci'}`;
}

/** Renders arguments to an argv array (without the QEMU binary). */
export function toArgv(args: readonly QemuArg[]): string[] {
  return args.flatMap((a) => (a.value === undefined ? [a.flag] : [a.flag, a.value]));
}
