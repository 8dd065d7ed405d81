import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { type DecodedFrame, encodeFrame, FrameDecoder, MAX_FRAME } from './frame.js';

const header = (length: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(length, 0);
  return bytes;
};
const bodies = (items: DecodedFrame[]) =>
  items.map((item) => (item.kind === 'frame' ? item.payload.toString('utf8') : `${item.code}`));

describe('encodeFrame', () => {
  it('writes a big-endian length and the UTF-8 JSON', () => {
    const frame = encodeFrame({ s: 'é' });
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    assert.equal(frame.subarray(4).toString('utf8'), '{"s":"é"}');
  });

  it('refuses a body over the limit and accepts one exactly at it', () => {
    const exact = 'x'.repeat(MAX_FRAME - 2);
    assert.equal(encodeFrame(exact).length, 4 + MAX_FRAME);
    assert.throws(
      () => encodeFrame(`${exact}x`),
      (e: unknown) => e instanceof MvError && e.code === 'agent.frame-too-large',
    );
    assert.throws(() => encodeFrame('abcd', { maxFrame: 5 }), MvError);
  });

  it('refuses a value without a JSON form', () => {
    assert.throws(
      () => encodeFrame(undefined),
      (e: unknown) => e instanceof MvError && e.code === 'agent.bad-frame',
    );
  });
});

describe('FrameDecoder', () => {
  it('decodes frames split at every byte and frames packed into one chunk', () => {
    const stream = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame([2]), encodeFrame('three')]);
    const decoder = new FrameDecoder();
    const found = [...stream].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    assert.deepEqual(bodies(found), ['{"a":1}', '[2]', '"three"']);
    assert.deepEqual(bodies(new FrameDecoder().push(stream)), ['{"a":1}', '[2]', '"three"']);
  });

  it('reports an empty frame and carries on with the next', () => {
    const found = new FrameDecoder().push(Buffer.concat([header(0), encodeFrame(1)]));
    assert.deepEqual(bodies(found), ['agent.bad-frame', '1']);
  });

  it('reports an oversize frame once, discards exactly its body as it arrives, then decodes again', () => {
    const decoder = new FrameDecoder({ maxFrame: 8 });
    assert.deepEqual(bodies(decoder.push(header(20))), ['agent.frame-too-large']);
    assert.deepEqual(decoder.push(Buffer.alloc(15, 0xff)), []);
    const tail = Buffer.concat([Buffer.alloc(5, 0xff), encodeFrame('ok')]);
    assert.deepEqual(bodies(decoder.push(tail)), ['"ok"']);
  });

  it('never buffers a declared 4 GiB body', () => {
    const decoder = new FrameDecoder();
    const [item] = decoder.push(header(0xffff_ffff));
    assert.equal(item?.kind, 'error');
    for (let i = 0; i < 16; i += 1) assert.deepEqual(decoder.push(Buffer.alloc(65_536)), []);
  });

  it('hands out payloads that do not alias the caller’s chunk', () => {
    const chunk = encodeFrame('abc');
    const [item] = new FrameDecoder().push(chunk);
    chunk.fill(0);
    assert.equal(item?.kind === 'frame' && item.payload.toString(), '"abc"');
  });

  it('forgets a partial frame on reset', () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame('lost').subarray(0, 6));
    decoder.reset();
    assert.deepEqual(bodies(decoder.push(encodeFrame('next'))), ['"next"']);
  });
});
