/**
 * @module Talks to a portal agent's socket with raw bytes, the way a hostile or broken client would, and
 * collects whatever frames come back within a short window.
 */
import { connect } from 'node:net';
import { FrameDecoder } from '../../src/agent/index.js';

/** A decoded reply frame. */
export type RawReply = { id: number; ok: boolean; error?: { code: string } };

/** Sends each chunk in order on one connection and returns the replies received within `windowMs`. */
export function sendRaw(
  socketPath: string,
  chunks: readonly Buffer[],
  windowMs = 3_000,
): Promise<RawReply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const decoder = new FrameDecoder({ maxFrame: 1_048_576 });
    const replies: RawReply[] = [];
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const decoded of decoder.push(chunk)) {
        if (decoded.kind === 'frame')
          replies.push(JSON.parse(Buffer.from(decoded.payload).toString('utf8')) as RawReply);
      }
    });
    socket.once('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      setTimeout(() => {
        socket.destroy();
        resolve(replies);
      }, windowMs);
    });
  });
}
