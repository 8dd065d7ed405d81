import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostKeyFromSeed } from '../../scramble/index.js';
import type { RememberedHead } from '../anchor.js';
import { CHECKPOINT_INTERVAL } from '../checkpoint.js';
import { parseLogText } from '../log-text.js';
import { type AnchorRecord, openAnchoredLog } from './anchored-log.js';

let dir = '';
let counter = 0;
const signer = { hostId: 'htest', key: hostKeyFromSeed(new Uint8Array(32).fill(3)) };
const clock = () => 1_700_000_000_000;

function fresh(): { file: string; anchor: AnchorRecord & { value?: RememberedHead } } {
  counter += 1;
  const anchor: AnchorRecord & { value?: RememberedHead } = {
    read: () => anchor.value,
    save: (next) => {
      anchor.value = next;
    },
  };
  return { file: path.join(dir, `audit-${counter}.log`), anchor };
}

async function writeDecisions(file: string, anchor: AnchorRecord, count: number): Promise<void> {
  const { log } = await openAnchoredLog(file, { signer, clock, anchor });
  for (let n = 0; n < count; n += 1) await log.append({ time: n, decision: 'allow', code: 'ok' });
  await log.close();
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mv-anchored-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openAnchoredLog', () => {
  it('signs a checkpoint at open, every CHECKPOINT_INTERVAL entries and at close, keeping the last as anchor', async () => {
    const { file, anchor } = fresh();
    await writeDecisions(file, anchor, CHECKPOINT_INTERVAL + 1);
    const kinds = parseLogText(await readFile(file, 'utf8'), file).map((e) => ('kind' in e ? e.kind : 'd'));
    assert.equal(kinds.length, CHECKPOINT_INTERVAL + 4);
    assert.deepEqual(
      kinds.flatMap((k, i) => (k === 'checkpoint' ? [i + 1] : [])),
      [1, CHECKPOINT_INTERVAL + 2, CHECKPOINT_INTERVAL + 4],
    );
    assert.equal(anchor.value?.count, CHECKPOINT_INTERVAL + 4);
    await writeDecisions(file, anchor, 1);
  });

  it('refuses a log cut back below its anchor, a log deleted, and a log another key signed', async () => {
    const { file, anchor } = fresh();
    await writeDecisions(file, anchor, 5);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, `${lines.slice(0, 3).join('\n')}\n`);
    await assert.rejects(openAnchoredLog(file, { signer, clock, anchor }), {
      code: 'audit.broken',
      message: /fewer than the 7 seen before/,
    });
    await rm(file);
    await assert.rejects(openAnchoredLog(file, { signer, clock, anchor }), {
      code: 'audit.broken',
      message: /is missing, yet this host signed a checkpoint at entry 7/,
    });
    const other = { hostId: 'htest', key: hostKeyFromSeed(new Uint8Array(32).fill(4)) };
    const forged = fresh();
    await (await openAnchoredLog(forged.file, { signer: other, clock, anchor: forged.anchor })).log.close();
    await assert.rejects(openAnchoredLog(forged.file, { signer, clock, anchor: forged.anchor }), {
      code: 'audit.broken',
      message: /names host key .* not this host's/,
    });
  });

  it('resets: the old log is archived as it was, the new chain starts with the reset and opens', async () => {
    const { file, anchor } = fresh();
    await writeDecisions(file, anchor, 2);
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.split('\n').slice(0, 2).join('\n').concat('\n'));
    await assert.rejects(openAnchoredLog(file, { signer, clock, anchor }), { code: 'audit.broken' });
    const { log, archived } = await openAnchoredLog(file, { signer, clock, anchor, reset: true });
    await log.close();
    assert.equal(archived?.entries, 2);
    assert.ok(archived);
    const kept = (await readdir(dir)).filter((name) => name.startsWith(`${path.basename(file)}.archived-`));
    assert.deepEqual(kept, [archived.file]);
    await (await openAnchoredLog(file, { signer, clock, anchor })).log.close();
    const [reset, checkpoint] = parseLogText(await readFile(file, 'utf8'), file);
    assert.deepEqual(
      reset && 'kind' in reset && reset.kind === 'reset' ? reset.archived : undefined,
      archived,
    );
    assert.equal(checkpoint && 'kind' in checkpoint ? checkpoint.kind : undefined, 'checkpoint');
    assert.equal(existsSync(path.join(dir, archived.file)), true);
  });
});
