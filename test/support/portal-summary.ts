/**
 * @module Portal summaries as the daemon's `portal.list` returns them, for unit tests of code that reads
 * them: only what a test cares about is given, the rest is a plausible ready portal.
 */
import type { PortalSummary } from '../../src/protocol/index.js';

/** A ready portal's summary, with the given fields replaced. */
export function portalSummary(
  fields: Pick<PortalSummary, 'name' | 'node'> & Partial<PortalSummary>,
): PortalSummary {
  return {
    portalName: `${fields.name}.portal`,
    formulaHash: `sha256:${'0'.repeat(64)}`,
    state: 'ready',
    pid: 4242,
    accel: 'tcg',
    vcpus: 1,
    memoryMiB: 192,
    rssKiB: null,
    startedAt: 1_700_000_000_000,
    readyAt: 1_700_000_005_000,
    stoppedAt: null,
    uptimeSeconds: 60,
    exitReason: null,
    addresses: [],
    display: null,
    restart: { policy: 'no', restarts: 0, nextAt: null },
    ...fields,
  };
}
