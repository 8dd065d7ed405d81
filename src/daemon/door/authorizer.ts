/**
 * @module The daemon's authorisation after an envelope has been verified: the policy of the request's
 * host trust (policy.d/*.policy, first match wins; a policy that cannot be loaded denies everything), the
 * token-bucket rate limits and in-flight caps of the matching rule, and an audit entry for every decision,
 * written before the decision takes effect. The caller sees only `auth.denied` (or `auth.rate-limited` with
 * a retry-after); the exact reason goes to the audit log. It reads no file itself.
 */
import type { AuditLog } from '../../audit/host/index.js';
import type { AuditFields } from '../../audit/index.js';
import { type ErrorCode, MvError } from '../../errors/index.js';
import { evaluatePolicy, type PolicyRule, type RateLimiter, type RequestSource } from '../../policy/index.js';
import type { HostTrust } from './host-trust.js';

/** What the audit log learns about a request besides the decision. */
export type AuditContext = Omit<AuditFields, 'time' | 'decision' | 'code'>;

/** One request to authorise, and the host's trust it is judged under (its policy). */
export interface AuthRequest {
  readonly verb: string;
  /** The primary target, matched by a bare pattern. */
  readonly target: string;
  /** Every named field's value (the primary's included), as the method declares them. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly source: RequestSource;
  readonly trust: Pick<HostTrust, 'policy'>;
}

/** Decides, limits and records. */
export class Authorizer {
  constructor(
    private readonly options: { clock: () => number },
    private readonly audit: Pick<AuditLog, 'append'>,
    private readonly limiter: RateLimiter,
  ) {}

  /** Records a refusal found before the policy (bad signature, replay, …) and throws `auth.denied`. */
  async refuse(code: ErrorCode, context: AuditContext): Promise<never> {
    await this.audit.append({ ...context, time: this.options.clock(), decision: 'deny', code });
    throw deniedError();
  }

  /** Records a refusal that has its own error for the caller (a formula that does not resolve) and throws it. */
  async refuseWith(error: MvError, context: AuditContext): Promise<never> {
    await this.audit.append({ ...context, time: this.options.clock(), decision: 'deny', code: error.code });
    throw error;
  }

  /** Allows the request (returning the in-flight release) or records why not and throws. */
  async authorize(request: AuthRequest, context: AuditContext): Promise<() => void> {
    const fields = { ...context, verb: request.verb, target: auditTarget(request) };
    let rules: readonly PolicyRule[];
    try {
      rules = request.trust.policy();
    } catch (error) {
      const code = error instanceof MvError ? error.code : 'policy.syntax';
      return this.refuse(code, fields);
    }
    const decision = evaluatePolicy(rules, request);
    if (decision.decision === 'deny') return this.refuse(decision.code, fields);
    // Keyed by who and what, never by the target: a caller names targets freely (a new portal name per call).
    const key = { kid: request.source.kid, verb: request.verb };
    const { rate, maxInflight } = decision.rule;
    if (rate) {
      const taken = this.limiter.take(key, { ratePerSecond: rate.ratePerSecond, burst: rate.burst });
      if (!taken.ok) return this.limit(fields, taken.retryAfterMs);
    }
    const release = maxInflight === undefined ? () => undefined : this.limiter.acquire(key, maxInflight);
    if (!release) return this.limit(fields, 1_000);
    await this.audit.append({ ...fields, time: this.options.clock(), decision: 'allow', code: 'ok' });
    return release;
  }

  private async limit(fields: AuditContext, retryAfterMs: number): Promise<never> {
    await this.audit.append({
      ...fields,
      time: this.options.clock(),
      decision: 'deny',
      code: 'auth.rate-limited',
    });
    throw new MvError(
      'auth.rate-limited',
      `Too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      {
        hint: `Wait ${Math.ceil(retryAfterMs / 1000)} s; the limits are in the host's policy.d.`,
      },
    );
  }
}

/** The one message every refusal shows outwardly: the reason is in the audit log, not on the wire. */
export function deniedError(): MvError {
  return new MvError('auth.denied', 'Denied', {
    hint: 'The host refused this command; its owner can see why with "scramble audit show".',
  });
}

/** The target as the audit log shows it: the primary value, or every field as `name=value` when there are several. */
function auditTarget(request: AuthRequest): string {
  const entries = Object.entries(request.fields ?? {});
  return entries.length > 1 ? entries.map(([field, value]) => `${field}=${value}`).join(' ') : request.target;
}
