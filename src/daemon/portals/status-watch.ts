/**
 * @module Watches a portal's status channel (the status.out file QEMU writes the guest's status port to)
 * for `ready`, a `failed <reason>` line, QEMU's exit, a deadline or cancellation, whichever comes first.
 * The deadline counts from the guest's last status line, so a boot that keeps reporting progress (Tor
 * bootstrapping, a VPN handshake being awaited) is not cut short, up to an overall limit.
 */
import { open, readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../errors/index.js';
import { runFiles } from '../../instance/index.js';
import type { PortalPorts } from '../../qemu/index.js';
import { terminalSafe } from '../../text/index.js';

/** Options of a wait for readiness. */
export interface ReadyWait {
  readonly statusFile: string;
  /** How long the guest may stay silent. */
  readonly deadlineMs: number;
  /** How long a boot may take at most, progress or not (default 15 minutes). */
  readonly limitMs?: number;
  readonly isAlive: () => boolean;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
  readonly pollMs?: number;
}

/** What ended the wait when it was not readiness. */
export type NotReady = { readonly kind: 'exited' } | { readonly kind: 'failed'; readonly reason: string };

/** Resolves when the guest reports ready; rejects with `NotReadyError`, `portal.boot-timeout` or the abort reason. */
export async function waitForReady(wait: ReadyWait): Promise<void> {
  const started = performance.now();
  let heard = started;
  let offset = 0;
  let partial = '';
  const decoder = new StringDecoder('utf8');
  for (;;) {
    wait.signal?.throwIfAborted();
    const chunk = await readFrom(wait.statusFile, offset);
    offset += chunk.length;
    const lines = (partial + decoder.write(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
      heard = performance.now();
      wait.onLine?.(line);
      if (line === 'ready' || line.startsWith('ready ')) return;
      if (line.startsWith('failed'))
        throw new NotReadyError({ kind: 'failed', reason: line.slice('failed'.length).trim() });
    }
    if (!wait.isAlive()) throw new NotReadyError({ kind: 'exited' });
    const now = performance.now();
    if (now - heard > wait.deadlineMs || now - started > (wait.limitMs ?? 900_000)) {
      const silent = now - heard > wait.deadlineMs;
      throw new MvError(
        'portal.boot-timeout',
        silent
          ? `The portal said nothing for ${Math.round(wait.deadlineMs / 1000)} s and is not ready`
          : `The portal did not report ready within ${Math.round((wait.limitMs ?? 900_000) / 1000)} s`,
        {
          hint: 'See its console with "portalgun logs <portal>"; a busy host boots slower under TCG.',
        },
      );
    }
    await sleep(wait.pollMs ?? 50, undefined, wait.signal ? { signal: wait.signal } : {}).catch(
      (error: unknown) => {
        throw wait.signal?.aborted ? wait.signal.reason : error;
      },
    );
  }
}

/** The guest or QEMU ended the boot before readiness. */
export class NotReadyError extends Error {
  constructor(readonly why: NotReady) {
    super(why.kind === 'failed' ? `guest reported failure: ${why.reason}` : 'QEMU exited during boot');
  }
}

async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(Math.min(size - offset, 65536));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The last `count` non-empty lines of a text file, cleaned for display ("" if it does not exist). */
export async function tailLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return terminalSafe(text)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-count)
    .join('\n');
}

/**
 * Waits for a starting portal's `ready`, showing the guest's status lines as progress; a guest failure or a
 * QEMU that exits becomes `portal.boot-failed` or `qemu.exited` with the last console and QEMU lines.
 */
export async function awaitBoot(
  runDir: string,
  options: {
    /** The plan's ports: the status file to watch, the console log to show when the boot fails. */
    ports: PortalPorts;
    deadlineMs: number;
    isAlive: () => boolean;
    context: { readonly progress: (message: string) => void; readonly signal: AbortSignal };
  },
): Promise<void> {
  const { ports } = options;
  try {
    await waitForReady({
      statusFile: ports.status.path,
      deadlineMs: options.deadlineMs,
      isAlive: options.isAlive,
      signal: options.context.signal,
      onLine: (line) => options.context.progress(`guest: ${line}`),
    });
  } catch (error) {
    if (!(error instanceof NotReadyError)) throw error;
    const consoleTail = ports.console ? await tailLines(ports.console.log, 15) : '';
    const qemuTail = await tailLines(runFiles(runDir).qemuLog, 5);
    const what =
      error.why.kind === 'failed'
        ? `The guest reported a failure: ${error.why.reason}`
        : 'QEMU exited during boot';
    throw new MvError(
      error.why.kind === 'failed' ? 'portal.boot-failed' : 'qemu.exited',
      `${what}\n--- last console lines ---\n${consoleTail}${qemuTail ? `\n--- qemu ---\n${qemuTail}` : ''}`,
      { hint: 'The full console log is kept: "portalgun logs <portal>".' },
    );
  }
}
