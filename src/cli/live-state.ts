/**
 * @module Asks the daemon which portals run, for commands whose formula information must print even when
 * the daemon cannot answer: a missing daemon and a refused or failed call become a state, not an error.
 */
import { MvError } from '../errors/index.js';
import { PROBE_METHOD } from '../protocol/index.js';
import { callDaemon } from './daemon-client.js';
import type { LiveState } from './net/live.js';

/** The daemon's portal list, or why it could not be had. Errors other than `MvError`s are bugs and rethrown. */
export async function readLiveState(socketPath: string): Promise<LiveState> {
  try {
    // The unsigned probe first: with no daemon, "not running" is the answer, not a missing session key.
    await callDaemon(PROBE_METHOD, {}, { socketPath });
  } catch (error) {
    if (error instanceof MvError && error.code === 'daemon.unreachable')
      return { daemon: 'not-running', reason: error.message };
    throw error;
  }
  try {
    const { portals } = await callDaemon('portal.list', {}, { socketPath });
    return { daemon: 'running', portals };
  } catch (error) {
    if (error instanceof MvError)
      return { daemon: 'unavailable', reason: `${error.message} [${error.code}]` };
    throw error;
  }
}

/** Tells on stderr why only the formulas' side is shown (stdout keeps the same shape either way). */
export function noteMissingDaemon(live: LiveState): void {
  if (live.daemon !== 'running') process.stderr.write(`note: showing the formulas only: ${live.reason}\n`);
}
