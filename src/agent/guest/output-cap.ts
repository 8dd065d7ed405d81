/**
 * @module Collects a child's output stream while keeping only its first bytes, so a chatty or hostile program
 * cannot grow the agent's memory. Pure: no I/O.
 */

/** Keeps the first `limit` bytes of a stream and remembers whether anything was dropped. */
export class OutputCap {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #truncated = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Adds a chunk; bytes past the limit are dropped. */
  push(chunk: Buffer): void {
    const room = this.#limit - this.#kept;
    if (chunk.length > room) this.#truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(Buffer.from(kept));
    this.#kept += kept.length;
  }

  /** Whether bytes were dropped. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** The kept bytes as text (invalid UTF-8, such as a character cut at the limit, becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
