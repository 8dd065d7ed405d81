/**
 * @module Talks to a portal agent's socket with raw bytes, the way a hostile or broken client would, and
 * collects whatever frames come back.
 */
import { connect } from 'node:net';
import { FrameDecoder } from '../../src/agent/index.js';

/** A decoded reply frame. */
export type RawReply = { id: number; ok: boolean; error?: { code: string } };

/**
 * Sends each chunk in order on one connection and returns the replies: as soon as `until` of them have
 * come (a guest under TCG on a busy host may take seconds to verify several envelopes), else — when the
 * number is not known, as for garbage input — those received within a quiet window of `windowMs`.
 */
export function sendRaw(
  socketPath: string,
  chunks: readonly Buffer[],
  options: { until?: number; windowMs?: number } = {},
): Promise<RawReply[]> {
  const waitMs = options.until === undefined ? (options.windowMs ?? 3_000) : 60_000;
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const decoder = new FrameDecoder({ maxFrame: 1_048_576 });
    const replies: RawReply[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(replies);
    };
    let timer: NodeJS.Timeout | undefined;
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const decoded of decoder.push(chunk)) {
        if (decoded.kind === 'frame')
          replies.push(JSON.parse(Buffer.from(decoded.payload).toString('utf8')) as RawReply);
      }
      if (options.until !== undefined && replies.length >= options.until) done();
    });
    socket.once('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      timer = setTimeout(done, waitMs);
    });
  });
}
