/**
 * @module nftables rulesets as data, serialised once into the text `nft -f` reads (nftables 1.0.6 syntax).
 * Every rule carries the reason it exists as an nft `comment`, every table and chain says what it is for,
 * and every default policy has a `#` note beside it, so `nft list ruleset` on a live router explains itself.
 * Names are checked here, once, so no caller can smuggle syntax into the text.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/** One rule: its statement (matches and verdict) and why it exists. */
export interface NftRule {
  readonly rule: string;
  readonly why: string;
}

/** A base chain's hook, priority and default policy, with the reason for the policy. */
export interface NftHook {
  readonly type: 'filter' | 'nat';
  readonly hook: 'input' | 'forward' | 'output' | 'prerouting' | 'postrouting';
  readonly priority: 'filter' | 'dstnat' | 'srcnat';
  readonly policy: 'accept' | 'drop';
  readonly policyWhy: string;
}

/** A chain: a base chain when it has a hook, otherwise a regular chain reached by `jump`. */
export interface NftChain {
  readonly name: string;
  readonly why: string;
  readonly hook?: NftHook;
  readonly rules: readonly NftRule[];
}

/** A table of one family. */
export interface NftTable {
  readonly family: 'inet' | 'ip' | 'bridge';
  readonly name: string;
  readonly why: string;
  readonly chains: readonly NftChain[];
}

/**
 * A whole ruleset file. `flush-ruleset` owns the namespace (a router); `replace-tables` swaps only its own
 * tables in one transaction (declare, delete, define), leaving anything else loaded alone.
 */
export interface NftRuleset {
  readonly mode: 'flush-ruleset' | 'replace-tables';
  /** Lines of the `#` header that says what the file is. */
  readonly header: readonly string[];
  readonly tables: readonly NftTable[];
}

/** nft keeps at most 128 bytes of a comment. */
export const NFT_COMMENT_MAX = 128;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const COMMENT = /^[\x20-\x7e]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw bug(`"${name}" is not a safe nft identifier`);
  return name;
}

/** Quotes an nft comment; only printable ASCII without quotes or backslashes, at most 128 bytes. */
export function nftComment(text: string): string {
  if (!COMMENT.test(text) || text.includes('"') || text.includes('\\') || text.length > NFT_COMMENT_MAX) {
    throw bug(
      `nft comment "${text.slice(0, 40)}…" is not printable ASCII of at most ${NFT_COMMENT_MAX} bytes`,
    );
  }
  if (text.length === 0) throw bug('an nft rule, chain or table has no reason');
  return `comment "${text}"`;
}

/** Quotes an interface name for `iifname`/`oifname`. */
export function nftIfname(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) throw bug(`"${name}" is not a safe interface name`);
  return `"${name}"`;
}

function renderChain(chain: NftChain): string[] {
  const lines = [`\tchain ${identifier(chain.name)} {`, `\t\t${nftComment(chain.why)}`];
  const { hook } = chain;
  if (hook) {
    const note = hook.policyWhy.replaceAll('\n', ' ');
    lines.push(
      `\t\ttype ${hook.type} hook ${hook.hook} priority ${hook.priority}; policy ${hook.policy}; # ${note}`,
    );
  }
  for (const { rule, why } of chain.rules) {
    if (rule.includes('\n') || rule.includes('#') || rule.includes('comment')) {
      throw bug(`nft rule "${rule}" must be one statement without its own comment`);
    }
    lines.push(`\t\t${rule} ${nftComment(why)}`);
  }
  lines.push('\t}');
  return lines;
}

function renderTable(table: NftTable): string[] {
  const head = `table ${table.family} ${identifier(table.name)}`;
  const chains = table.chains.flatMap((chain, i) =>
    i === 0 ? renderChain(chain) : ['', ...renderChain(chain)],
  );
  return [`${head} {`, `\t${nftComment(table.why)}`, ...chains, '}'];
}

/** The text of a ruleset for `nft -f`. */
export function renderNftText(ruleset: NftRuleset): string {
  const header = ruleset.header.map((line) => `# ${line}`.trimEnd());
  const body = ruleset.tables.flatMap((table) => {
    const replace =
      ruleset.mode === 'replace-tables'
        ? [
            `table ${table.family} ${identifier(table.name)}`,
            `delete table ${table.family} ${identifier(table.name)}`,
          ]
        : [];
    return ['', ...replace, ...renderTable(table)];
  });
  const first = ruleset.mode === 'flush-ruleset' ? ['flush ruleset'] : [];
  return `${[...first, ...header, ...body].join('\n')}\n`;
}

function bug(message: string): MvError {
  return new MvError('internal.bug', `${message} (please report)`);
}
