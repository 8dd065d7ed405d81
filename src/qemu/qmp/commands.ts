/**
 * @module Typed wrappers over the QMP commands the daemon uses, each named after the QMP command in camelCase
 * (as in Incus `commands.go`). They run on any `QmpExecutor`, so they are tested against fakes, and they
 * validate results: a reply of the wrong shape is `qmp.protocol`, never a silently wrong value.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { expectQmpShape, QMP_VERSION_SCHEMA, type QmpArguments, type QmpVersion } from './codec.js';

/** Options for one command. */
export interface QmpCallOptions {
  /** How long to wait for the reply; the connection's default when absent. */
  readonly timeoutMs?: number;
  /** The command ends the session (`quit`): the peer closing the socket before replying counts as success. */
  readonly endsSession?: boolean;
}

/** Anything that runs a QMP command and resolves with its `return` value: a connection, or a test fake. */
export interface QmpExecutor {
  execute(name: string, args?: QmpArguments, options?: QmpCallOptions): Promise<unknown>;
}

/** A capability a client may enable during negotiation; QEMU 7.2 offers only out-of-band execution. */
export type QmpCapability = 'oob';

/** Arguments of `qmp_capabilities`. */
export interface QmpCapabilitiesArgs {
  readonly enable?: readonly QmpCapability[];
}

/** The result of `query-status`; `status` is QEMU's RunState (`running`, `paused`, `prelaunch`, `shutdown`, …). */
export interface QmpStatus {
  readonly status: string;
  readonly running: boolean;
}

// QEMU 7.2 also sends `singlestep`, which later QEMU deprecated and dropped; nothing here may depend on it.
const STATUS = z.object({ status: z.string(), running: z.boolean() });

/** Leaves capabilities negotiation mode; QEMU accepts no other command before it. */
export async function qmpCapabilities(
  qmp: QmpExecutor,
  args: QmpCapabilitiesArgs = {},
  options: QmpCallOptions = {},
): Promise<void> {
  await qmp.execute('qmp_capabilities', args.enable ? { enable: args.enable } : undefined, options);
}

/** Whether the guest CPUs run, and QEMU's run state. */
export async function queryStatus(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<QmpStatus> {
  const { status, running } = expectQmpShape(
    STATUS,
    await qmp.execute('query-status', undefined, options),
    'query-status result',
  );
  return { status, running };
}

/** One vCPU and the host thread that runs it. */
export interface QmpCpu {
  readonly cpuIndex: number;
  readonly threadId: number;
}

const CPUS = z.array(z.object({ 'cpu-index': z.number().int(), 'thread-id': z.number().int() }));

/** The guest's vCPUs and their host threads, cheaply (without interrupting them). */
export async function queryCpusFast(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<QmpCpu[]> {
  const cpus = expectQmpShape(
    CPUS,
    await qmp.execute('query-cpus-fast', undefined, options),
    'query-cpus-fast result',
  );
  return cpus.map((cpu) => ({ cpuIndex: cpu['cpu-index'], threadId: cpu['thread-id'] }));
}

/** The version of the QEMU at the other end. */
export async function queryVersion(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<QmpVersion> {
  return expectQmpShape(
    QMP_VERSION_SCHEMA,
    await qmp.execute('query-version', undefined, options),
    'query-version result',
  );
}

/** Presses the ACPI power button; the guest may ignore it, so completion is the SHUTDOWN event, not this reply. */
export async function systemPowerdown(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<void> {
  await qmp.execute('system_powerdown', undefined, options);
}

/**
 * Makes QEMU exit. QEMU may close the socket before or after sending the `return`; both resolve (the call is
 * marked `endsSession`). Resolving does not mean the process has exited: wait for its exit for that.
 */
export async function quit(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<void> {
  await qmp.execute('quit', undefined, { ...options, endsSession: true });
}

/** Writes what the portal's display shows to a PNG file (QEMU opens the file itself, as its own account). */
export async function screendump(
  qmp: QmpExecutor,
  args: { readonly filename: string },
  options: QmpCallOptions = {},
): Promise<void> {
  await qmp.execute('screendump', { filename: args.filename, format: 'png' }, options);
}

/** Pauses the guest CPUs. */
export async function stop(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<void> {
  await qmp.execute('stop', undefined, options);
}

/** Resumes the guest CPUs (also starts a guest launched with `-S`). */
export async function cont(qmp: QmpExecutor, options: QmpCallOptions = {}): Promise<void> {
  await qmp.execute('cont', undefined, options);
}
