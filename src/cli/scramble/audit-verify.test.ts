import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { type AuditEntry, chainEntry, checkpointEntry } from '../../audit/index.js';
import { canonicalJson } from '../../digest/index.js';
import { pinHost } from '../../scramble/host/index.js';
import { hostKeyFromSeed } from '../../scramble/index.js';
import { verifyAuditLog } from './audit-verify.js';

const root = mkdtempSync(path.join(tmpdir(), 'mv-audit-verify-'));
after(() => rmSync(root, { recursive: true, force: true }));
let homes = 0;
const freshHome = () => {
  homes += 1;
  return path.join(root, `home-${homes}`);
};

const hostId = 'hverify';
const host = { hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(5)) };

function logOf(decisions: number, signer = host): AuditEntry[] {
  const log: AuditEntry[] = [checkpointEntry(undefined, signer, 1)];
  for (let n = 0; n < decisions; n += 1)
    log.push(chainEntry(log.at(-1), { time: n, decision: 'allow', code: 'ok' }));
  return log;
}
const textOf = (log: readonly AuditEntry[]) => log.map((e) => `${canonicalJson(e)}\n`).join('');
const verify = (home: string, text: string, more: { hostId?: string | undefined; reanchor?: boolean } = {}) =>
  verifyAuditLog({
    text,
    hostId: 'hostId' in more ? more.hostId : hostId,
    home,
    reanchor: more.reanchor === true,
    now: 1_700_000_000_000,
  }).verdict;
const problem = (verdict: ReturnType<typeof verify>) => (verdict.ok ? 'ok' : verdict.problem);

describe('verifyAuditLog', () => {
  it('remembers the head of a host log (0600) and reports it cut back the next time', () => {
    const home = freshHome();
    const log = logOf(5);
    assert.equal(problem(verify(home, textOf(log))), 'ok');
    const file = path.join(home, 'audit-heads.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).hosts[hostId].count, 6);
    assert.equal(problem(verify(home, textOf(log.slice(0, 4)))), 'truncated');
    assert.equal(problem(verify(home, textOf(logOf(8)))), 'ok', 'the same chain, grown');
  });

  it('keeps the first key seen: a log signed by another key is replaced, until --reanchor', () => {
    const home = freshHome();
    assert.equal(problem(verify(home, textOf(logOf(2)))), 'ok');
    const other = { hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(6)) };
    assert.equal(problem(verify(home, textOf(logOf(9, other)))), 'foreign-key');
    assert.equal(problem(verify(home, textOf(logOf(9, other)), { reanchor: true })), 'ok');
  });

  it('checks against the key portalgun init pinned for the host, even with --reanchor', () => {
    const home = freshHome();
    pinHost(home, hostId, hostKeyFromSeed(new Uint8Array(32).fill(7)).publicKey, 1_700_000_000_000);
    assert.equal(problem(verify(home, textOf(logOf(2)))), 'foreign-key');
    assert.equal(problem(verify(home, textOf(logOf(2)), { reanchor: true })), 'foreign-key');
    const pinnedSigner = { hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(7)) };
    assert.equal(problem(verify(home, textOf(logOf(2, pinnedSigner)))), 'ok');
  });

  it('checks a copy (--file) against the key seen for its host, never against the head, and remembers nothing', () => {
    const home = freshHome();
    const log = logOf(5);
    assert.equal(problem(verify(home, textOf(log))), 'ok');
    const before = readFileSync(path.join(home, 'audit-heads.json'), 'utf8');
    assert.equal(problem(verify(home, textOf(log.slice(0, 2)), { hostId: undefined })), 'ok');
    const other = { hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(7)) };
    assert.equal(problem(verify(home, textOf(logOf(1, other)), { hostId: undefined })), 'foreign-key');
    assert.equal(readFileSync(path.join(home, 'audit-heads.json'), 'utf8'), before);
  });

  it('refuses a damaged heads file, or one others may change, instead of forgetting', () => {
    const home = freshHome();
    assert.equal(problem(verify(home, textOf(logOf(1)))), 'ok');
    const file = path.join(home, 'audit-heads.json');
    chmodSync(file, 0o644);
    assert.throws(() => verify(home, textOf(logOf(1))), {
      code: 'scramble.loose-permissions',
      message: /open to group or others/,
    });
    chmodSync(file, 0o600);
    writeFileSync(file, '{"v":1,"hosts":');
    assert.throws(() => verify(home, textOf(logOf(1))), {
      code: 'scramble.bad-key-file',
      message: /is damaged/,
    });
  });
});
