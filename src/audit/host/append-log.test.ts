import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditFields } from '../entry.js';
import { AuditLog, verifyFile } from './append-log.js';

let dir = '';
let counter = 0;
function fresh(): string {
  counter += 1;
  return path.join(dir, `audit-${counter}.jsonl`);
}
const fields = (n: number): AuditFields => ({
  time: 1_700_000_000_000 + n,
  decision: 'allow',
  code: 'ok',
  verb: 'portal.up',
  target: `portal-${n}`,
});

async function writeLog(file: string, count: number): Promise<string[]> {
  const log = await AuditLog.open(file);
  for (let n = 1; n <= count; n += 1) await log.append(fields(n));
  await log.close();
  return (await readFile(file, 'utf8')).trimEnd().split('\n');
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mv-audit-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AuditLog', () => {
  it('creates the file with mode 0600 and appends one canonical JSON line per decision', async () => {
    const file = fresh();
    const lines = await writeLog(file, 3);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).seq),
      [1, 2, 3],
    );
    assert.deepEqual(await verifyFile(file), {
      ok: true,
      count: 3,
      head: JSON.parse(lines[2] ?? '').hash,
      damagedLines: [],
    });
  });

  it('tightens an existing log that others could read', async () => {
    const file = fresh();
    await writeFile(file, '', { mode: 0o644 });
    const log = await AuditLog.open(file);
    await log.close();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('continues seq and prev after reopening', async () => {
    const file = fresh();
    await writeLog(file, 2);
    const log = await AuditLog.open(file);
    const before = log.head;
    const third = await log.append(fields(3));
    assert.deepEqual([third.seq, third.prev], [3, before?.hash]);
    assert.equal((await log.readAll()).length, 3);
    await log.close();
    const verdict = await verifyFile(file, { expectHead: third.hash });
    assert.deepEqual([verdict.ok, verdict.ok && verdict.count], [true, 3]);
  });

  it('serialises concurrent appends into one unbroken chain in call order', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(fields(i + 1))));
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      (await log.readAll()).map((e) => ('target' in e ? e.target : undefined)),
      entries.map((e) => e.target),
    );
    await log.close();
    assert.equal((await verifyFile(file)).ok, true);
  });

  it('finishes appends queued before close and refuses those after', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    const pending = [log.append(fields(1)), log.append(fields(2))];
    const closing = log.close();
    await assert.rejects(log.append(fields(3)), { code: 'internal.bug' });
    await closing;
    assert.deepEqual(
      (await Promise.all(pending)).map((e) => e.seq),
      [1, 2],
    );
    assert.deepEqual(
      [(await verifyFile(file)).ok, (await readFile(file, 'utf8')).split('\n').length],
      [true, 3],
    );
  });

  it('rejects bad fields without breaking the chain for later appends', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    await assert.rejects(log.append({ ...fields(1), argsDigest: 'plaintext' }), { code: 'internal.bug' });
    assert.equal((await log.append(fields(2))).seq, 1);
    await log.close();
  });

  it('refuses a second writer on the same file in this process', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    await assert.rejects(AuditLog.open(file), { code: 'internal.bug' });
    await log.close();
    await (await AuditLog.open(file)).close();
  });

  it('reads its bytes in pages, after the appends queued before the read', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    void log.append(fields(1));
    const whole = await log.readBytes(0, 1_000_000);
    const text = await readFile(file);
    assert.deepEqual([whole.bytes, whole.size], [text, text.length]);
    const page = await log.readBytes(10, 5);
    assert.deepEqual(page.bytes, text.subarray(10, 15));
    assert.equal((await log.readBytes(text.length + 5, 5)).bytes.length, 0);
    await log.close();
  });

  it('reads by its path, so a log moved away behind it is reported, not read through its handle', async () => {
    const file = fresh();
    const log = await AuditLog.open(file);
    await log.append(fields(1));
    await rename(file, `${file}.moved`);
    await assert.rejects(log.readBytes(0, 100), { code: 'audit.broken' });
    await log.close();
  });

  it('refuses to continue a log whose last line is torn or damaged', async () => {
    const torn = fresh();
    await writeLog(torn, 2);
    await appendFile(torn, '{"seq":3,"ti');
    await assert.rejects(AuditLog.open(torn), { code: 'audit.broken' });
    const edited = fresh();
    const lines = await writeLog(edited, 2);
    await writeFile(edited, `${lines[0]}\n${(lines[1] ?? '').replace('"allow"', '"deny"')}\n`);
    await assert.rejects(AuditLog.open(edited), { code: 'audit.broken' });
  });
});

describe('verifyFile', () => {
  const cases: {
    name: string;
    edit: (lines: string[]) => string;
    at: number;
    line?: number;
    problem: string;
  }[] = [
    {
      name: 'an edited line',
      edit: (l) => l.map((x, i) => (i === 2 ? x.replace('portal-3', 'portal-9') : x)).join('\n'),
      at: 3,
      line: 3,
      problem: 'edited',
    },
    {
      name: 'a deleted middle line',
      edit: (l) => l.filter((_, i) => i !== 2).join('\n'),
      at: 3,
      line: 3,
      problem: 'deleted',
    },
    {
      name: 'two swapped lines',
      edit: (l) => [l[0], l[2], l[1], l[3], l[4]].join('\n'),
      at: 2,
      line: 2,
      problem: 'reordered',
    },
    {
      name: 'invalid JSON',
      edit: (l) => [l[0], l[1], '{not json', l[3], l[4]].join('\n'),
      at: 3,
      line: 3,
      problem: 'malformed',
    },
    {
      name: 'a blank line',
      edit: (l) => [l[0], '', ...l.slice(1)].join('\n'),
      at: 2,
      line: 2,
      problem: 'malformed',
    },
  ];
  for (const { name, edit, at, line, problem } of cases) {
    it(`reports ${name} with its line`, async () => {
      const file = fresh();
      const lines = await writeLog(file, 5);
      await writeFile(file, `${edit(lines)}\n`);
      const verdict = await verifyFile(file);
      assert.ok(!verdict.ok);
      assert.deepEqual([verdict.at, verdict.line, verdict.problem], [at, line, problem], verdict.reason);
    });
  }

  it('lists every damaged line, including a torn last line', async () => {
    const file = fresh();
    const lines = await writeLog(file, 4);
    await writeFile(file, `${lines[0]}\ngarbage\n${lines[1]}\n{}\n${lines[2]}\n${lines[3]}`);
    const verdict = await verifyFile(file);
    assert.ok(!verdict.ok);
    assert.deepEqual(verdict.damagedLines, [2, 4, 6]);
    assert.deepEqual([verdict.at, verdict.line], [2, 2]);
  });

  it('detects a truncated tail only against an expected head', async () => {
    const file = fresh();
    const lines = await writeLog(file, 5);
    const head = JSON.parse(lines[4] ?? '').hash as string;
    await writeFile(file, `${lines.slice(0, 3).join('\n')}\n`);
    assert.equal((await verifyFile(file)).ok, true);
    const verdict = await verifyFile(file, { expectHead: head });
    assert.ok(!verdict.ok);
    assert.deepEqual([verdict.at, verdict.problem, verdict.line], [4, 'head-mismatch', undefined]);
  });

  it('reports an unreadable file as audit.broken', async () => {
    await assert.rejects(verifyFile(path.join(dir, 'missing.jsonl')), { code: 'audit.broken' });
  });
});
