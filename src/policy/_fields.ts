/**
 * @module Checks the four fixed fields of a policy rule (verb pattern, source, target pattern, action),
 * reporting each problem at the exact column of the offending character.
 * Pure: no I/O.
 */

import { MvError } from '../errors/index.js';
import { publicKeyOfScrambleId } from '../scramble/index.js';
import type { Token } from './_tokens.js';
import type { PolicySource } from './rule.js';

/** Receives one problem: its column, the field it concerns, a message and a hint. */
export type Report = (column: number, field: string, message: string, hint: string) => void;

const VERB_CHAR = /[a-z0-9._*-]/;
// Targets include formula nodes (application/console), so "/" is one of their characters.
const TARGET_CHAR = /[a-z0-9._*/-]/;
const SCRAMBLE_ID = /^[a-z2-7]{56}$/;
const KEY_ID = /^k[a-z2-7]{24}$/;

const SOURCE_HINT =
  'A source is @owner, *, a Scramble ID (56 base32 characters a-z and 2-7, optionally ending in ".onion") ' +
  'or kid:<key id>.';

/** Checks a verb or target `*`-glob; returns it, or undefined after reporting. */
export function checkPattern(token: Token, field: 'verb' | 'target', report: Report): string | undefined {
  const allowed = field === 'verb' ? VERB_CHAR : TARGET_CHAR;
  const bad = [...token.text].findIndex((char) => !allowed.test(char));
  if (bad === -1) return token.text;
  const what = field === 'verb' ? 'verb pattern' : 'target pattern';
  const example = field === 'verb' ? 'portal.* or agent.ping' : 'work-* or a host id';
  report(
    token.column + bad,
    field,
    `Invalid ${what} "${token.text}": character "${[...token.text][bad]}" is not allowed`,
    `Patterns use lower-case letters, digits, ".", "-", "_"${field === 'verb' ? '' : ', "/"'} and "*" (any run of characters), e.g. ${example}.`,
  );
  return undefined;
}

/** Parses the source field; returns it, or undefined after reporting. */
export function parseSource(token: Token, report: Report): PolicySource | undefined {
  const text = token.text;
  if (text === '@owner') return { kind: 'owner' };
  if (text === '*') return { kind: 'any' };
  if (text.startsWith('kid:')) {
    const kid = text.slice(4);
    if (KEY_ID.test(kid)) return { kind: 'kid', kid };
    report(
      token.column + 4,
      'source',
      `Invalid key id "${kid}"`,
      'A key id is "k" followed by 24 base32 characters (a-z, 2-7), e.g. kid:kabcdefghijklmnopqrstuvwx.',
    );
    return undefined;
  }
  const id = text.endsWith('.onion') ? text.slice(0, -'.onion'.length) : text;
  if (SCRAMBLE_ID.test(id)) {
    // Shape alone would let a typo through as a rule that silently never matches: check the checksum too.
    try {
      publicKeyOfScrambleId(id);
      return { kind: 'scramble-id', scrambleId: id };
    } catch (error) {
      report(
        token.column,
        'source',
        `Invalid Scramble ID "${text}": ${error instanceof MvError ? error.message : String(error)}`,
        'Copy the ID from "scramble id show" (or "scramble id export-public") rather than typing it.',
      );
      return undefined;
    }
  }
  if (text.endsWith('.onion') || /^[A-Za-z0-9]{40,}$/.test(id)) {
    report(
      token.column,
      'source',
      `Invalid Scramble ID "${text}"`,
      'A Scramble ID is exactly 56 lower-case base32 characters (a-z, 2-7), optionally followed by ".onion".',
    );
    return undefined;
  }
  report(token.column, 'source', `Unknown source "${text}"`, SOURCE_HINT);
  return undefined;
}

/** Parses the action field; returns it, or undefined after reporting. */
export function parseAction(token: Token, report: Report): 'allow' | 'deny' | undefined {
  if (token.text === 'allow' || token.text === 'deny') return token.text;
  const hint =
    token.text === 'ask'
      ? 'There is no "ask": requests arrive signed, with nobody at the host to ask. Use allow or deny.'
      : 'The action is allow or deny.';
  report(token.column, 'action', `Unknown action "${token.text}"`, hint);
  return undefined;
}
