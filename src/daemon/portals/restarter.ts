/**
 * @module Carries out the formula's `restart` policy: after an exit nobody asked for, it records the
 * decision of `planRestart` (restarting with a due time, stopped, or crashed with the crash-loop reason) and
 * keeps one timer per portal that starts it again. The owner's `down` cancels a pending restart; a restarted
 * daemon resumes the pending ones from the state database.
 */
import type { PortalState } from '../../protocol/index.js';
import type { PortalRecord, PortalStore } from '../state/portal-store.js';
import { planRestart } from './restart-plan.js';

/** What the restarter needs from the daemon. */
export interface RestarterDeps {
  readonly store: PortalStore;
  readonly clock: () => number;
  readonly log: (line: string) => void;
  /** Starts the portal again from its record; throws if the start fails. */
  readonly start: (record: PortalRecord) => Promise<void>;
}

/** Restarts portals that ended on their own, with backoff, until they stay up or loop. */
export class Restarter {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Portals being started again right now, and those of them the owner stopped meanwhile. */
  private readonly starting = new Set<string>();
  private readonly stoppedMeanwhile = new Set<string>();

  constructor(private readonly deps: RestarterDeps) {}

  /** Records what follows an exit nobody asked for, schedules the restart if there is one; returns the record. */
  afterExit(record: PortalRecord, exit: { clean: boolean }): PortalRecord {
    const { store, clock, log } = this.deps;
    const now = clock();
    const decision = planRestart({
      policy: record.manifest.restart,
      clean: exit.clean,
      restarts: record.restarts,
      readyAt: record.state === 'ready' ? record.readyAt : null,
      now,
    });
    if (decision.action !== 'restart') {
      const state: PortalState = exit.clean && decision.action === 'stay-down' ? 'stopped' : 'crashed';
      log(`${record.name}: ${decision.reason}`);
      return store.update(record.name, {
        state,
        pid: null,
        stoppedAt: now,
        exitReason: decision.reason,
        nextRestartAt: null,
      });
    }
    const reason = exit.clean ? 'the guest powered off' : 'QEMU exited unexpectedly';
    log(`${record.name}: ${reason}; restart ${decision.attempt} in ${decision.delayMs} ms`);
    const updated = store.update(record.name, {
      state: 'restarting',
      pid: null,
      stoppedAt: now,
      exitReason: reason,
      restarts: decision.attempt,
      nextRestartAt: now + decision.delayMs,
    });
    this.schedule(updated);
    return updated;
  }

  /** Schedules a portal already in state `restarting` (after a daemon restart). */
  resume(record: PortalRecord): void {
    this.schedule(record);
  }

  /** Cancels a pending restart (and the next one, if a restart is under way); true if one was pending. */
  cancel(name: string): boolean {
    if (this.starting.has(name)) this.stoppedMeanwhile.add(name);
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    return this.timers.delete(name);
  }

  /** Cancels every pending restart (daemon shutdown; the records keep their due times). */
  cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(record: PortalRecord): void {
    const pending = this.timers.get(record.name);
    if (pending) clearTimeout(pending);
    const delay = Math.max(0, (record.nextRestartAt ?? 0) - this.deps.clock());
    this.timers.set(
      record.name,
      setTimeout(() => void this.fire(record.name), delay),
    );
  }

  private async fire(name: string): Promise<void> {
    this.timers.delete(name);
    const record = this.deps.store.get(name);
    if (record?.state !== 'restarting') return;
    this.starting.add(name);
    try {
      await this.deps.start(record);
      this.deps.log(`${name}: restarted (restart ${record.restarts} in a row)`);
    } catch (error) {
      this.deps.log(`${name}: restart ${record.restarts} failed: ${String(error)}`);
      const failed = this.deps.store.get(name);
      if (failed && !this.stoppedMeanwhile.has(name)) {
        this.afterExit({ ...failed, state: 'restarting', readyAt: null }, { clean: false });
      }
    } finally {
      this.starting.delete(name);
      this.stoppedMeanwhile.delete(name);
    }
  }
}
