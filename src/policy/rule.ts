/**
 * @module The parsed form of one policy line. A `PolicyRule` is plain data (it can be printed, compared and
 * logged) and remembers the file and line it came from, so a decision can name the rule that made it.
 * Pure: no I/O.
 */
import type { SourceLocation } from '../errors/index.js';

/** Who a rule applies to: the host's owner, anyone, one Scramble ID, or one key. */
export type PolicySource =
  | { readonly kind: 'owner' }
  | { readonly kind: 'any' }
  /** `scrambleId` is stored without the `.onion` suffix. */
  | { readonly kind: 'scramble-id'; readonly scrambleId: string }
  | { readonly kind: 'kid'; readonly kid: string };

/** The unit of a `rate=N/<unit>` option. */
export type RateUnit = 's' | 'm' | 'h';

/** A token-bucket limit: `count` requests per `unit`, with room for `burst` at once. */
export interface RateLimit {
  readonly count: number;
  readonly unit: RateUnit;
  /** `count` expressed per second, as `RateLimiter.take` wants it. */
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** One rule: a verb pattern, a source, target patterns, an action and (for allow rules) limits. */
export interface PolicyRule {
  readonly verb: string;
  readonly source: PolicySource;
  /** The bare target pattern, matched against the primary field of the verb (`*` when only fields are named). */
  readonly target: string;
  /** Patterns for named fields (`formula=application/*`): every one must match its field's value. */
  readonly fields: Readonly<Record<string, string>>;
  readonly action: 'allow' | 'deny';
  readonly rate?: RateLimit;
  readonly maxInflight?: number;
  /** The file and line of the rule (column 1). */
  readonly where: SourceLocation & { readonly line: number };
  /** The rule's text without its comment, for logs. */
  readonly text: string;
}

/** Seconds per rate unit. */
export const RATE_UNIT_SECONDS: Readonly<Record<RateUnit, number>> = { s: 1, m: 60, h: 3600 };

/** The rule's location as `file:line`, the form messages and audit reasons use. */
export function ruleLocation(rule: PolicyRule): string {
  return `${rule.where.file}:${rule.where.line}`;
}
