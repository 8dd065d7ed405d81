import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { type ModuleIndex, moduleName, parseModinfoDepends, resolveModuleOrder } from './modules.js';

/** Bytes shaped like a .ko file: some binary noise, then NUL-separated modinfo strings. */
const ko = (modinfo: string) =>
  new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0xff, 0x00, ...new TextEncoder().encode(modinfo)]);

const indexOf = (depends: Record<string, string[]>, builtin: string[] = []): ModuleIndex => ({
  depends: new Map(Object.entries(depends)),
  builtin: new Set(builtin),
});

describe('parseModinfoDepends', () => {
  it('reads the depends= list, normalising names', () => {
    assert.deepEqual(parseModinfoDepends(ko('\0license=GPL\0depends=virtio,virtio_ring\0name=x\0')), [
      'virtio',
      'virtio_ring',
    ]);
    assert.deepEqual(parseModinfoDepends(ko('\0depends=crc-t10dif,jbd2\0')), ['crc_t10dif', 'jbd2']);
  });

  it('returns nothing for an empty depends= or none at all', () => {
    assert.deepEqual(parseModinfoDepends(ko('\0license=GPL\0depends=\0name=x\0')), []);
    assert.deepEqual(parseModinfoDepends(ko('\0license=GPL\0name=x\0')), []);
  });

  it('does not mistake a field that merely ends in "depends=" for the list', () => {
    assert.deepEqual(parseModinfoDepends(ko('\0softdepends=pre: crc32c\0name=x\0')), []);
  });
});

describe('moduleName', () => {
  it('strips .ko and turns dashes into underscores', () => {
    assert.equal(moduleName('virtio-blk.ko'), 'virtio_blk');
    assert.equal(moduleName('9pnet_virtio.ko'), '9pnet_virtio');
    assert.equal(moduleName('crc32c-generic'), 'crc32c_generic');
    assert.equal(moduleName('ko.ko.ko'), 'ko.ko', 'only the final .ko goes');
  });
});

describe('resolveModuleOrder', () => {
  const index = indexOf(
    {
      virtio_blk: ['virtio', 'virtio_ring'],
      virtio_net: ['virtio', 'virtio_ring', 'net_failover'],
      net_failover: ['failover'],
      failover: [],
      virtio_ring: [],
      ext4: ['jbd2', 'mbcache', 'crc16'],
      jbd2: [],
      mbcache: [],
    },
    ['virtio', 'crc16'],
  );

  it('puts dependencies first and lists each module once', () => {
    assert.deepEqual(resolveModuleOrder(['virtio_blk', 'virtio_net'], index), [
      'virtio_ring',
      'virtio_blk',
      'failover',
      'net_failover',
      'virtio_net',
    ]);
  });

  it('skips built-in modules, wanted or depended on', () => {
    assert.deepEqual(resolveModuleOrder(['virtio', 'ext4'], index), ['jbd2', 'mbcache', 'ext4']);
  });

  it('normalises the wanted names', () => {
    assert.deepEqual(resolveModuleOrder(['virtio-ring'], index), ['virtio_ring']);
  });

  it('throws image.missing-module naming the chain that needed a missing module', () => {
    const broken = indexOf({ ext4: ['jbd2'], jbd2: ['crc_missing'] });
    assert.throws(
      () => resolveModuleOrder(['ext4'], broken),
      (error: unknown) => {
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'image.missing-module');
        assert.match(error.message, /"crc_missing"/);
        assert.match(error.hint ?? '', /Needed by ext4 → jbd2;/);
        return true;
      },
    );
  });

  it('says "the portal" needed a wanted module that is missing', () => {
    assert.throws(
      () => resolveModuleOrder(['nope'], indexOf({})),
      (error: unknown) =>
        error instanceof MvError &&
        error.code === 'image.missing-module' &&
        /Needed by the portal;/.test(error.hint ?? ''),
    );
  });
});
