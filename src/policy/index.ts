/**
 * @module Public surface of the policy domain: parsing `policy.d/*.policy` files, deciding requests (first
 * match wins, no match denies), the default policy, and the rate limiter that enforces an allow rule's
 * `rate`/`burst`/`max-inflight`.
 * Pure: no I/O; the host reads the files and the daemon passes a monotonic clock.
 */
export { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from './default-policy.js';
export {
  evaluatePolicy,
  type PolicyDecision,
  type PolicyRequest,
  type RequestSource,
} from './evaluate.js';
export { MAX_OPTION_VALUE } from './options.js';
export {
  loadPolicy,
  type PolicyFile,
  type PolicyParseResult,
  PolicySyntaxError,
  parsePolicy,
} from './parse.js';
export {
  type BucketLimit,
  type RateKey,
  RateLimiter,
  type RateLimiterOptions,
  type TakeResult,
} from './rate-limit.js';
export {
  type PolicyRule,
  type PolicySource,
  RATE_UNIT_SECONDS,
  type RateLimit,
  type RateUnit,
  ruleLocation,
} from './rule.js';
