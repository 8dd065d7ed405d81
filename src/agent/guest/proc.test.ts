import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { parseLoadAverage, parseMemInfo, parseMounts, parseUptime } from './proc.js';

describe('/proc parsers', () => {
  it('reads uptime and load average', () => {
    assert.equal(parseUptime('1842.46 3268.17\n'), 1842);
    assert.deepEqual(parseLoadAverage('0.18 0.66 0.42 1/88 11928\n'), [0.18, 0.66, 0.42]);
  });

  it('reads total and available memory', () => {
    const text = 'MemTotal:       24684084 kB\nMemFree:        24077976 kB\nMemAvailable:   24321176 kB\n';
    assert.deepEqual(parseMemInfo(text), { totalKiB: 24684084, availableKiB: 24321176 });
  });

  it('refuses files that do not look as the kernel writes them', () => {
    const refused = (e: unknown) => e instanceof MvError && e.code === 'agent.command-failed';
    assert.throws(() => parseUptime('soon'), refused);
    assert.throws(() => parseLoadAverage('0.1 0.2'), refused);
    assert.throws(() => parseMemInfo('MemTotal: 1 kB\n'), refused);
  });

  it('reads the mount table and decodes octal escapes', () => {
    const text = 'proc /proc proc rw 0 0\nmultiverse-portal /mnt/my\\040share 9p rw,trans=virtio 0 0\n\n';
    assert.deepEqual(parseMounts(text), [
      { source: 'proc', target: '/proc', type: 'proc' },
      { source: 'multiverse-portal', target: '/mnt/my share', type: '9p' },
    ]);
  });
});
