import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../digest/index.js';
import { type AuditEntry, chainEntry } from './entry.js';
import { parseLogText, splitLogLines, verifyLogText } from './log-text.js';

function entries(count: number): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (let n = 1; n <= count; n += 1) {
    chain.push(
      chainEntry(chain[chain.length - 1], {
        time: 1_700_000_000_000 + n,
        decision: 'allow',
        code: 'ok',
        verb: 'audit.read',
        // A name outside ASCII: the text is checked as characters, whatever their bytes.
        target: `portal-${n}-ü`,
      }),
    );
  }
  return chain;
}

const logOf = (chain: readonly AuditEntry[]) => chain.map((e) => `${canonicalJson(e)}\n`).join('');

describe('the audit log as text', () => {
  it('splits into lines, marking a last line without its newline as incomplete', () => {
    assert.deepEqual(splitLogLines(''), []);
    assert.deepEqual(splitLogLines('a\nb\n'), [
      { text: 'a', complete: true },
      { text: 'b', complete: true },
    ]);
    assert.deepEqual(splitLogLines('a\nb'), [
      { text: 'a', complete: true },
      { text: 'b', complete: false },
    ]);
  });

  it('verifies an intact log to its head, and reads back its entries', () => {
    const chain = entries(3);
    const text = logOf(chain);
    assert.deepEqual(verifyLogText(text), { ok: true, count: 3, head: chain[2]?.hash, damagedLines: [] });
    assert.deepEqual(parseLogText(text, 'test log'), chain);
  });

  it('reports a torn last line as damage even when it parses, and names the line', () => {
    const text = logOf(entries(3)).slice(0, -1);
    const verdict = verifyLogText(text);
    assert.ok(!verdict.ok);
    assert.deepEqual(
      [verdict.at, verdict.problem, verdict.line, verdict.damagedLines],
      [3, 'malformed', 3, [3]],
    );
    assert.throws(() => parseLogText(text, "the daemon's audit log"), {
      code: 'audit.broken',
      message: "the daemon's audit log, line 3, is not a valid audit entry",
    });
  });

  it('reports an edited entry at its place, and a cut tail only against the expected head', () => {
    const chain = entries(4);
    const edited = logOf(chain).replace('portal-2-', 'portal-9-');
    const verdict = verifyLogText(edited);
    assert.deepEqual(verdict.ok ? undefined : [verdict.at, verdict.problem, verdict.line], [2, 'edited', 2]);
    const cut = logOf(chain.slice(0, 3));
    assert.equal(verifyLogText(cut).ok, true);
    assert.equal(verifyLogText(cut, { expectHead: chain[3]?.hash ?? '' }).ok, false);
  });
});
