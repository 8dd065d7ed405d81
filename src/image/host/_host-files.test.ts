import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isImageWorthy, parseLdd } from './_host-files.js';

describe('parseLdd', () => {
  it('reads "name => /path (addr)" and bare "/path (addr)" lines and ignores the vDSO', () => {
    const text = [
      '\tlinux-vdso.so.1 (0x00007fdfb609a000)',
      '\tlibselinux.so.1 => /lib/x86_64-linux-gnu/libselinux.so.1 (0x00007fdfb6034000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fdfb5e52000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007fdfb609c000)',
      '',
    ].join('\n');
    assert.deepEqual(parseLdd(text), [
      '/lib/x86_64-linux-gnu/libselinux.so.1',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('skips libraries that were not found and static programs', () => {
    assert.deepEqual(parseLdd('\tlibmissing.so.3 => not found\n'), []);
    assert.deepEqual(parseLdd('\tnot a dynamic executable\n'), []);
    assert.deepEqual(parseLdd('\tstatically linked\n'), []);
    assert.deepEqual(parseLdd(''), []);
  });
});

describe('isImageWorthy', () => {
  it('takes programs, libraries and configuration', () => {
    for (const file of [
      '/bin/ip',
      '/sbin/nft',
      '/usr/bin/tor',
      '/usr/sbin/nft',
      '/lib/x86_64-linux-gnu/libnftables.so.1',
      '/usr/lib/x86_64-linux-gnu/libmnl.so.0.2.0',
      '/etc/tor/torrc',
      '/etc/nftables.conf',
    ]) {
      assert.equal(isImageWorthy(file), true, file);
    }
  });

  it('leaves out docs, man pages, systemd units and folders themselves', () => {
    for (const file of [
      '/usr/share/doc/tor/README',
      '/usr/share/man/man8/nft.8.gz',
      '/lib/systemd/system/tor.service',
      '/usr/lib/systemd/system/nftables.service',
      '/usr',
      '/usr/bin',
      '/.',
      '/var/lib/tor',
      '/usr/binaries/x',
    ]) {
      assert.equal(isImageWorthy(file), false, file);
    }
  });
});
