/**
 * @module Parses the options after a rule's action: `rate=N/s|N/m|N/h`, `burst=N` and `max-inflight=N`.
 * Options limit what an allow rule grants, so they are refused on deny rules (where they would suggest a
 * limit that does not exist), each may appear once, and every value is a positive whole number.
 * Pure: no I/O.
 */
import type { Report } from './_fields.js';
import type { Token } from './_tokens.js';
import { RATE_UNIT_SECONDS, type RateLimit, type RateUnit } from './rule.js';

/** The limits an allow rule carries. */
export interface RuleOptions {
  readonly rate?: RateLimit;
  readonly maxInflight?: number;
}

/** The largest value an option accepts; larger numbers are typos, not policies. */
export const MAX_OPTION_VALUE = 1_000_000;

const OPTION_NAMES = ['rate', 'burst', 'max-inflight'] as const;
type OptionName = (typeof OPTION_NAMES)[number];
const OPTIONS_HINT = 'Options are rate=N/s|N/m|N/h, burst=N and max-inflight=N, each at most once.';
const NUMBER_HINT = `Use a whole number from 1 to ${MAX_OPTION_VALUE}.`;

/** Parses the option tokens of one rule; returns undefined when any of them was reported. */
export function parseOptions(
  tokens: readonly Token[],
  options: { action: 'allow' | 'deny' | undefined; report: Report },
): RuleOptions | undefined {
  const { action, report } = options;
  const values = new Map<OptionName, { token: Token; value: number; unit?: RateUnit }>();
  let ok = true;
  const fail: Report = (...args) => {
    ok = false;
    report(...args);
  };
  for (const token of tokens) {
    const parsed = parseOption(token, fail);
    if (parsed === undefined) continue;
    if (action === 'deny') {
      fail(token.column, parsed.name, 'Options are only allowed on allow rules', denyHint(parsed.name));
    } else if (values.has(parsed.name)) {
      fail(token.column, parsed.name, `Option "${parsed.name}" is given twice`, OPTIONS_HINT);
    } else {
      values.set(parsed.name, { token, ...parsed });
    }
  }
  const rate = values.get('rate');
  const burst = values.get('burst');
  if (burst !== undefined && rate === undefined) {
    fail(burst.token.column, 'burst', 'Option "burst" needs "rate"', 'Add rate=N/s|N/m|N/h, or drop burst.');
  }
  if (!ok) return undefined;
  const maxInflight = values.get('max-inflight')?.value;
  return {
    ...(rate?.unit === undefined ? {} : { rate: rateLimit(rate.value, rate.unit, burst?.value) }),
    ...(maxInflight === undefined ? {} : { maxInflight }),
  };
}

function rateLimit(count: number, unit: RateUnit, burst: number | undefined): RateLimit {
  return { count, unit, ratePerSecond: count / RATE_UNIT_SECONDS[unit], burst: burst ?? count };
}

function denyHint(name: OptionName): string {
  return `A deny rule refuses every request it matches, so "${name}" would limit nothing; remove it.`;
}

function parseOption(
  token: Token,
  report: Report,
): { name: OptionName; value: number; unit?: RateUnit } | undefined {
  const equals = token.text.indexOf('=');
  if (equals === -1) {
    report(token.column, 'options', `Unexpected "${token.text}" after the action`, OPTIONS_HINT);
    return undefined;
  }
  const name = token.text.slice(0, equals);
  const text = token.text.slice(equals + 1);
  const valueColumn = token.column + equals + 1;
  if (!isOptionName(name)) {
    report(token.column, 'options', `Unknown option "${name}"`, OPTIONS_HINT);
    return undefined;
  }
  if (name !== 'rate') {
    const value = positiveInteger(text);
    if (value === undefined) report(valueColumn, name, `Invalid ${name} "${text}"`, NUMBER_HINT);
    return value === undefined ? undefined : { name, value };
  }
  const match = /^([^/]*)\/([smh])$/.exec(text);
  const value = match?.[1] === undefined ? undefined : positiveInteger(match[1]);
  if (match === null || value === undefined) {
    report(valueColumn, name, `Invalid rate "${text}"`, `Write N/s, N/m or N/h. ${NUMBER_HINT}`);
    return undefined;
  }
  return { name, value, unit: match[2] as RateUnit };
}

function isOptionName(name: string): name is OptionName {
  return (OPTION_NAMES as readonly string[]).includes(name);
}

function positiveInteger(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,6}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_OPTION_VALUE ? value : undefined;
}
