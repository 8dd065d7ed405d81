/**
 * @module What the daemon does when a portal's QEMU ends without the owner asking (the formula's `restart`):
 * stay down, start it again after a backoff, or give up on a crash loop. One pure decision over the facts
 * of the exit, so the rules are unit-tested and the manager only carries them out.
 * Pure: no I/O, no clock (the time is passed in).
 */

/** The formula's `restart` field. */
export type RestartPolicy = 'no' | 'on-failure' | 'always';

/** Backoff and crash-loop limits (systemd's and Kubernetes' shape: doubling delay, a cap, a healthy reset). */
export const RESTART_LIMITS = {
  /** The first restart waits this long; each further one twice as long as the one before. */
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
  /** A portal that stayed up this long starts counting its failures from zero again. */
  healthyResetMs: 300_000,
  /** After this many restarts in a row without a healthy spell the daemon gives up (a crash loop). */
  maxRestarts: 5,
} as const;

/** What happened and what came before. */
export interface ExitFacts {
  readonly policy: RestartPolicy;
  /** The guest powered itself off (QMP SHUTDOWN, reason guest-shutdown); anything else is a failure. */
  readonly clean: boolean;
  /** Restarts in a row so far (0 after a healthy spell or the first start). */
  readonly restarts: number;
  /** When the portal last reported ready, or null if this run never got there. */
  readonly readyAt: number | null;
  readonly now: number;
}

/** The decision: start again after `delayMs` (the `attempt`-th restart in a row), stay down, or give up. */
export type RestartDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly action: 'stay-down'; readonly reason: string }
  | { readonly action: 'give-up'; readonly reason: string };

/** Decides what follows an exit the owner did not ask for. */
export function planRestart(facts: ExitFacts): RestartDecision {
  const exit = facts.clean ? 'the guest powered off' : 'QEMU exited unexpectedly';
  if (facts.policy === 'no') return { action: 'stay-down', reason: exit };
  if (facts.policy === 'on-failure' && facts.clean) {
    return { action: 'stay-down', reason: `${exit} (restart: on-failure restarts only failures)` };
  }
  const healthy = facts.readyAt !== null && facts.now - facts.readyAt >= RESTART_LIMITS.healthyResetMs;
  const before = healthy ? 0 : facts.restarts;
  if (before >= RESTART_LIMITS.maxRestarts) {
    return {
      action: 'give-up',
      reason: `crash loop: ${exit} after ${before} restarts in a row; not restarting again`,
    };
  }
  return { action: 'restart', delayMs: backoffDelayMs(before), attempt: before + 1 };
}

/** The wait before a restart that follows `restarts` restarts in a row: 1 s, 2 s, 4 s, … at most 60 s. */
export function backoffDelayMs(restarts: number): number {
  return Math.min(RESTART_LIMITS.firstDelayMs * 2 ** restarts, RESTART_LIMITS.maxDelayMs);
}
