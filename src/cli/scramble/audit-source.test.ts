import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAllPages } from './audit-source.js';

/**
 * A fake `audit.read` over a growing log: each read first appends `grow` (as the daemon audits the read
 * itself), then returns at most `limit` bytes from the offset.
 */
function fakeDaemon(initial: Buffer, options: { limit: number; grow?: Buffer }) {
  let log = initial;
  const offsets: number[] = [];
  const readPage = async (offset: number) => {
    offsets.push(offset);
    if (options.grow) log = Buffer.concat([log, options.grow]);
    const bytes = log.subarray(offset, offset + options.limit);
    return { data: bytes.toString('base64'), next: offset + bytes.length, size: log.length };
  };
  return { readPage, offsets, log: () => log };
}

describe('readAllPages', () => {
  it('reads a log larger than a page to its end, page after page', async () => {
    const daemon = fakeDaemon(Buffer.from('0123456789'), { limit: 4 });
    assert.equal((await readAllPages(daemon.readPage)).toString(), '0123456789');
    assert.deepEqual(daemon.offsets, [0, 4, 8]);
  });

  it('ends although every read adds to the log, with what the log held at the last read', async () => {
    const daemon = fakeDaemon(Buffer.from('abcdef'), { limit: 4, grow: Buffer.from('+') });
    const bytes = await readAllPages(daemon.readPage);
    assert.equal(bytes.toString(), daemon.log().toString());
    assert.equal(bytes.toString(), 'abcdef++');
  });

  it('keeps a character whose bytes two pages split', async () => {
    const text = 'aü€b\n';
    const daemon = fakeDaemon(Buffer.from(text), { limit: 2 });
    assert.equal((await readAllPages(daemon.readPage)).toString('utf8'), text);
  });

  it('reads an empty log in one call', async () => {
    const daemon = fakeDaemon(Buffer.alloc(0), { limit: 4 });
    assert.equal((await readAllPages(daemon.readPage)).length, 0);
    assert.deepEqual(daemon.offsets, [0]);
  });
});
