/**
 * @module Decides one request against an ordered rule list: the first rule whose verb, source and target all
 * match decides; when none matches, the answer is deny (`policy.no-match`). The exact code is for the audit
 * log only; callers tell the requester nothing more than `auth.denied`.
 * Rate and in-flight limits of the allowing rule are enforced by the caller with `RateLimiter`.
 * Pure: no I/O.
 */
import { globMatches } from '../scramble/index.js';
import type { PolicyRule, PolicySource } from './rule.js';

/** Who is asking: the verified Scramble ID and key id of the envelope, and whether it is the host's owner. */
export interface RequestSource {
  readonly scrambleId: string;
  readonly kid: string;
  readonly isOwner: boolean;
}

/**
 * One request to decide: a verb (`portal.up`), its primary target (a portal name, a formula node or the host
 * id), the values of its named fields (the daemon derives them: protocol/methods.ts) and its source.
 */
export interface PolicyRequest {
  readonly verb: string;
  readonly target: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly source: RequestSource;
}

/** The decision: allow with the rule that allowed, or deny with the reason code and the rule, if any. */
export type PolicyDecision =
  | { readonly decision: 'allow'; readonly rule: PolicyRule }
  | { readonly decision: 'deny'; readonly code: 'policy.denied'; readonly rule: PolicyRule }
  | { readonly decision: 'deny'; readonly code: 'policy.no-match' };

/** Evaluates a request against rules in order; the first match wins, and no match denies. */
export function evaluatePolicy(rules: readonly PolicyRule[], request: PolicyRequest): PolicyDecision {
  for (const rule of rules) {
    if (!matches(rule, request)) continue;
    return rule.action === 'allow'
      ? { decision: 'allow', rule }
      : { decision: 'deny', code: 'policy.denied', rule };
  }
  return { decision: 'deny', code: 'policy.no-match' };
}

function matches(rule: PolicyRule, request: PolicyRequest): boolean {
  return (
    sourceMatches(rule.source, request.source) &&
    globMatches(rule.verb, request.verb) &&
    globMatches(rule.target, request.target) &&
    Object.entries(rule.fields).every(([field, pattern]) => fieldMatches(rule, request, field, pattern))
  );
}

// Parsing refuses a field the verb does not declare, so a missing value is a bug; it must not turn a deny into
// a pass: it satisfies a deny rule and never an allow rule.
function fieldMatches(rule: PolicyRule, request: PolicyRequest, field: string, pattern: string): boolean {
  const value = request.fields?.[field];
  return value === undefined ? rule.action === 'deny' : globMatches(pattern, value);
}

function sourceMatches(source: PolicySource, request: RequestSource): boolean {
  switch (source.kind) {
    case 'any':
      return true;
    case 'owner':
      return request.isOwner;
    case 'scramble-id':
      return withoutOnion(request.scrambleId) === source.scrambleId;
    case 'kid':
      return request.kid === source.kid;
  }
}

// Rules store Scramble IDs without ".onion"; the request may carry either spelling of the same address.
function withoutOnion(id: string): string {
  return id.endsWith('.onion') ? id.slice(0, -'.onion'.length) : id;
}
