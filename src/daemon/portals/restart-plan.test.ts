import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, type ExitFacts, planRestart, RESTART_LIMITS } from './restart-plan.js';

const NOW = 1_000_000_000;
const facts = (overrides: Partial<ExitFacts>): ExitFacts => ({
  policy: 'always',
  clean: false,
  restarts: 0,
  readyAt: NOW - 10_000,
  now: NOW,
  ...overrides,
});

describe('planRestart', () => {
  it('keeps a portal with restart: no down, whatever the exit', () => {
    assert.deepEqual(planRestart(facts({ policy: 'no' })), {
      action: 'stay-down',
      reason: 'QEMU exited unexpectedly',
    });
    assert.deepEqual(planRestart(facts({ policy: 'no', clean: true })), {
      action: 'stay-down',
      reason: 'the guest powered off',
    });
  });

  it('restarts on-failure portals after a failure but not after a clean poweroff', () => {
    assert.equal(planRestart(facts({ policy: 'on-failure' })).action, 'restart');
    const clean = planRestart(facts({ policy: 'on-failure', clean: true }));
    assert.equal(clean.action, 'stay-down');
  });

  it('restarts always portals even after a clean poweroff', () => {
    assert.deepEqual(planRestart(facts({ clean: true })), { action: 'restart', delayMs: 1_000, attempt: 1 });
  });

  it('doubles the delay from 1 s up to the 60 s cap', () => {
    const delays = [0, 1, 2, 3, 4].map((restarts) => planRestart(facts({ restarts })));
    assert.deepEqual(
      delays.map((d) => (d.action === 'restart' ? d.delayMs : d.action)),
      [1_000, 2_000, 4_000, 8_000, 16_000],
    );
    assert.deepEqual([5, 6, 10].map(backoffDelayMs), [32_000, 60_000, 60_000]);
  });

  it('gives up after the limit of restarts in a row, and says so', () => {
    const decision = planRestart(facts({ restarts: RESTART_LIMITS.maxRestarts }));
    assert.equal(decision.action, 'give-up');
    assert.match(
      decision.action === 'give-up' ? decision.reason : '',
      /^crash loop: .* after 5 restarts in a row/,
    );
  });

  it('counts from zero again after five healthy minutes', () => {
    const decision = planRestart(
      facts({ restarts: RESTART_LIMITS.maxRestarts, readyAt: NOW - RESTART_LIMITS.healthyResetMs }),
    );
    assert.deepEqual(decision, { action: 'restart', delayMs: 1_000, attempt: 1 });
  });

  it('counts a run that never became ready as unhealthy', () => {
    const decision = planRestart(facts({ restarts: 2, readyAt: null }));
    assert.deepEqual(decision, { action: 'restart', delayMs: 4_000, attempt: 3 });
  });
});
