/**
 * @module Watches one QEMU process: notices its end within a fraction of a second (the QMP socket closing is
 * the fast path, a /proc poll the backstop, the child exit event when this daemon started it) and holds the
 * portal's one QMP connection. Works the same for processes this daemon started and ones it re-adopted
 * after a restart, which it cannot wait() for. It also remembers whether the guest powered itself off (QMP
 * SHUTDOWN with reason guest-shutdown), which the restart policy treats as a clean exit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectQmpRetrying, type QmpConnection } from '../../qemu/host/index.js';
import { isSameProcessAlive } from './process-info.js';

/** How the monitor finds the process and its QMP socket. */
export interface MonitorTarget {
  readonly pid: number;
  readonly pidStart: string | null;
  readonly qmpSocket: string;
  /** Resolves at exit when this daemon is QEMU's parent. */
  readonly exited?: Promise<unknown>;
}

/** A live QEMU process being watched. */
export class PortalMonitor {
  /** Resolves once, when the process is gone. */
  readonly gone: Promise<void>;
  private qmp: QmpConnection | undefined;
  private stopped = false;
  private guestPoweredOff = false;
  private markGone: () => void = () => undefined;

  constructor(
    private readonly target: MonitorTarget,
    pollMs = 250,
  ) {
    this.gone = new Promise((resolve) => {
      this.markGone = resolve;
    });
    void target.exited?.then(() => this.check());
    void this.poll(pollMs);
  }

  /** True while the process runs. */
  isAlive(): boolean {
    return isSameProcessAlive(this.target.pid, this.target.pidStart);
  }

  /** Connects to QMP (retrying while QEMU creates its socket); the connection closing triggers a check. */
  async connect(deadlineMs: number): Promise<QmpConnection> {
    if (this.qmp && !this.qmp.isClosed) return this.qmp;
    const qmp = await connectQmpRetrying(this.target.qmpSocket, { deadlineMs, intervalMs: 50 });
    this.qmp = qmp;
    qmp.onEvent((event) => {
      if (event.name === 'SHUTDOWN' && event.data.reason === 'guest-shutdown') this.guestPoweredOff = true;
    });
    qmp.onClose(() => {
      for (const delay of [0, 50, 200]) setTimeout(() => this.check(), delay).unref();
    });
    return qmp;
  }

  /** The QMP connection, if one is open. */
  get connection(): QmpConnection | undefined {
    return this.qmp && !this.qmp.isClosed ? this.qmp : undefined;
  }

  /** True once the guest powered itself off (as opposed to being killed, crashing or rebooting). */
  get exitedCleanly(): boolean {
    return this.guestPoweredOff;
  }

  /** Waits up to `timeoutMs` for the process to end; true if it did. */
  async waitGone(timeoutMs: number): Promise<boolean> {
    const timer = sleep(timeoutMs).then(() => false);
    return Promise.race([this.gone.then(() => true), timer]);
  }

  /** Stops watching (the process keeps running) and closes QMP. */
  detach(): void {
    this.stopped = true;
    void this.qmp?.close();
  }

  private check(): void {
    if (!this.isAlive()) this.markGone();
  }

  private async poll(pollMs: number): Promise<void> {
    while (!this.stopped) {
      if (!this.isAlive()) {
        this.markGone();
        return;
      }
      await sleep(pollMs, undefined, { ref: false });
    }
  }
}
