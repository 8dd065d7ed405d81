/**
 * @module The daemon's audit method: the bytes of its audit log, page by page, exactly as the file holds
 * them. The caller checks the hash chain itself (audit/log-text.ts): a daemon's "the log is intact" would be
 * worth nothing against a host that lies, while the raw lines can be checked by anyone. Reading is itself a
 * decision, so every page read adds an entry to the log.
 * Pure: no I/O.
 */
import * as z from 'zod';

/** The most bytes of the log one reply carries (base64 and sealing make the reply line about 1.8 times that). */
export const AUDIT_PAGE_BYTES = 1_048_576;

/** The audit methods of the daemon API. */
export const AUDIT_METHODS = {
  'audit.read': {
    target: [],
    // A log that cannot be read is audit.broken, one of the door's own errors.
    errors: [],
    /** `offset`: the byte to start at; `limit`: at most this many bytes (a page). */
    params: z.strictObject({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(AUDIT_PAGE_BYTES).default(AUDIT_PAGE_BYTES),
    }),
    /**
     * `data`: the log's bytes from `offset` (base64), at most `limit` of them; `next`: the offset after them;
     * `size`: the log's size when they were read (the log is complete at `next === size`).
     */
    result: z.strictObject({
      data: z.base64(),
      next: z.number().int().min(0),
      size: z.number().int().min(0),
    }),
  },
} as const;
