/**
 * @module Framing for the portal agent channel: a 4-byte unsigned big-endian length N, then N bytes of UTF-8
 * JSON. The decoder is streaming and bounded: it holds at most one frame, and when a peer declares a length
 * of 0 or above the limit it reports an error and then discards exactly N bytes as they arrive, so the
 * stream stays in step without ever buffering the oversized body.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/**
 * The largest frame body a request may have (160 KiB): 64 KiB for the call itself and 96 KiB for the
 * base64url envelope (`auth`) that authorises it, which repeats the call's arguments.
 */
export const MAX_FRAME = 163_840;

/**
 * The largest frame body a response may have (1 MiB). `run` returns up to 64 KiB of stdout and of stderr,
 * which JSON escaping can grow up to sixfold, so responses need more room than requests.
 */
export const MAX_RESPONSE_FRAME = 1_048_576;

const HEADER_BYTES = 4;

/** Options of the encoder and the decoder. */
export interface FrameOptions {
  /** The largest body accepted, in bytes; `MAX_FRAME` unless set. */
  readonly maxFrame?: number;
}

/** One frame as bytes; throws `agent.frame-too-large` when its JSON does not fit the limit. */
export function encodeFrame(value: unknown, options: FrameOptions = {}): Buffer {
  const maxFrame = options.maxFrame ?? MAX_FRAME;
  const text = JSON.stringify(value);
  if (text === undefined) throw new MvError('agent.bad-frame', 'Cannot frame a value that has no JSON form');
  const body = Buffer.from(text, 'utf8');
  if (body.length > maxFrame) {
    throw new MvError(
      'agent.frame-too-large',
      `Frame of ${body.length} bytes exceeds the ${maxFrame}-byte limit`,
    );
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/** What the decoder found: a complete body, or a declared length it refused. */
export type DecodedFrame =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | {
      readonly kind: 'error';
      readonly code: 'agent.bad-frame' | 'agent.frame-too-large';
      readonly message: string;
    };

/** Cuts a byte stream into frame bodies, across chunk boundaries. */
export class FrameDecoder {
  readonly #maxFrame: number;
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #body: Buffer | undefined;
  #bodyFill = 0;
  #skip = 0;

  constructor(options: FrameOptions = {}) {
    this.#maxFrame = options.maxFrame ?? MAX_FRAME;
  }

  /** Adds a chunk and returns what it completed; the chunk is copied, never kept. */
  push(chunk: Uint8Array): DecodedFrame[] {
    const found: DecodedFrame[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const rest = chunk.length - offset;
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, rest);
        this.#skip -= n;
        offset += n;
      } else if (this.#body !== undefined) {
        const n = Math.min(this.#body.length - this.#bodyFill, rest);
        this.#body.set(chunk.subarray(offset, offset + n), this.#bodyFill);
        this.#bodyFill += n;
        offset += n;
        if (this.#bodyFill === this.#body.length) {
          found.push({ kind: 'frame', payload: this.#body });
          this.#body = undefined;
        }
      } else {
        const n = Math.min(HEADER_BYTES - this.#headerFill, rest);
        this.#header.set(chunk.subarray(offset, offset + n), this.#headerFill);
        this.#headerFill += n;
        offset += n;
        if (this.#headerFill === HEADER_BYTES) this.#startBody(found);
      }
    }
    return found;
  }

  /** Forgets any partial frame: a new peer starts a fresh stream. */
  reset(): void {
    this.#headerFill = 0;
    this.#body = undefined;
    this.#bodyFill = 0;
    this.#skip = 0;
  }

  #startBody(found: DecodedFrame[]): void {
    const length = this.#header.readUInt32BE(0);
    this.#headerFill = 0;
    if (length === 0) {
      found.push({ kind: 'error', code: 'agent.bad-frame', message: 'Frame declares an empty body' });
    } else if (length > this.#maxFrame) {
      found.push({
        kind: 'error',
        code: 'agent.frame-too-large',
        message: `Frame declares ${length} bytes; the limit is ${this.#maxFrame}`,
      });
      this.#skip = length;
    } else {
      this.#body = Buffer.alloc(length);
      this.#bodyFill = 0;
    }
  }
}
