/**
 * @module The guest's read loop on the agent port. Reading the virtio port returns 0 bytes (end of file)
 * while no host client is connected; the loop then resets the session (the next client starts a fresh
 * stream), sleeps briefly and reads again, so it neither exits nor spins. A failing read is treated the
 * same way and logged once until reads succeed again.
 *
 * A host that disconnects and reconnects faster than the guest wakes up leaves no end of file behind, so a
 * broken frame from the old connection (or an oversize one being skipped) would swallow the new one. Hosts
 * write each frame whole, so input arriving after a quiet spell of `STALE_STREAM_MS` always starts a new
 * frame: the decoder is resynchronised then (requests in flight are kept).
 */
import type { AgentSession } from './session.js';

/** How long the loop waits after end of file before reading again. */
export const IDLE_POLL_MS = 100;

/** A pause in the input this long means whatever was half-read is abandoned. */
export const STALE_STREAM_MS = 500;

const READ_BUFFER_BYTES = 65_536;

/** What the loop needs. */
export interface ReadLoopOptions {
  /** Reads into the buffer and returns the byte count; 0 means no host is connected. */
  readonly read: (buffer: Buffer) => Promise<number>;
  readonly session: AgentSession;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** Stops the loop (tests; the agent itself runs until power-off). */
  readonly signal?: AbortSignal;
  /** Milliseconds on a monotonic clock. */
  readonly now?: () => number;
}

/** Feeds the port's bytes to the session until stopped. */
export async function runReadLoop(options: ReadLoopOptions): Promise<void> {
  const buffer = Buffer.alloc(READ_BUFFER_BYTES);
  const now = options.now ?? (() => performance.now());
  let failing = false;
  let lastData = Number.NEGATIVE_INFINITY;
  while (!options.signal?.aborted) {
    let count = 0;
    try {
      count = await options.read(buffer);
      failing = false;
    } catch (error) {
      if (!failing) options.log(`agent: reading the agent port failed: ${error}`);
      failing = true;
    }
    if (count > 0) {
      if (now() - lastData >= STALE_STREAM_MS) options.session.resync();
      lastData = now();
      options.session.push(buffer.subarray(0, count));
    } else {
      options.session.reset();
      await options.sleep(IDLE_POLL_MS);
    }
  }
}
