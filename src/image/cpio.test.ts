import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CpioEntry, renderCpio } from './cpio.js';

/** One member of a newc archive, parsed back from the bytes. */
interface Member {
  readonly offset: number;
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  readonly mtime: number;
  readonly filesize: number;
  readonly devmajor: number;
  readonly devminor: number;
  readonly rdevmajor: number;
  readonly rdevminor: number;
  readonly namesize: number;
  readonly check: number;
  readonly name: string;
  readonly data: Uint8Array;
}

const FIELDS = [
  'ino',
  'mode',
  'uid',
  'gid',
  'nlink',
  'mtime',
  'filesize',
  'devmajor',
  'devminor',
  'rdevmajor',
  'rdevminor',
  'namesize',
  'check',
] as const;

const ascii = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);
const align4 = (n: number) => (n + 3) & ~3;

/** Parses a whole newc archive, checking magic, field syntax, NUL terminators and 4-byte alignment. */
function parseNewc(archive: Uint8Array): Member[] {
  const members: Member[] = [];
  let at = 0;
  for (;;) {
    assert.equal(at % 4, 0, `member at ${at} is 4-byte aligned`);
    const head = ascii(archive.subarray(at, at + 110));
    assert.equal(head.length, 110, `a full header at ${at}`);
    assert.equal(head.slice(0, 6), '070701');
    const values: Record<string, number> = {};
    FIELDS.forEach((field, i) => {
      const hex = head.slice(6 + i * 8, 14 + i * 8);
      assert.match(hex, /^[0-9A-F]{8}$/, `${field} is 8 upper-case hex digits`);
      values[field] = Number.parseInt(hex, 16);
    });
    const namesize = values.namesize ?? 0;
    const filesize = values.filesize ?? 0;
    const nameBytes = archive.subarray(at + 110, at + 110 + namesize);
    assert.equal(nameBytes[namesize - 1], 0, 'the name is NUL-terminated');
    const name = ascii(nameBytes.subarray(0, namesize - 1));
    const dataStart = align4(at + 110 + namesize);
    for (let i = at + 110 + namesize; i < dataStart; i++) assert.equal(archive[i], 0, 'name padding is NUL');
    const data = archive.subarray(dataStart, dataStart + filesize);
    const next = align4(dataStart + filesize);
    for (let i = dataStart + filesize; i < next; i++) assert.equal(archive[i], 0, 'data padding is NUL');
    members.push({ ...(values as Omit<Member, 'offset' | 'name' | 'data'>), offset: at, name, data });
    at = next;
    if (name === 'TRAILER!!!') break;
  }
  assert.equal(at, archive.length, 'nothing follows the trailer');
  return members;
}

const bytes = (text: string) => new TextEncoder().encode(text);

const SAMPLE: CpioEntry[] = [
  { kind: 'dir', path: 'bin' },
  { kind: 'file', path: '/bin/hello', data: bytes('hi!\n'), mode: 0o755 },
  { kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
  { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
];

describe('renderCpio', () => {
  it('writes a newc header for a directory', () => {
    const [dir] = parseNewc(renderCpio([{ kind: 'dir', path: 'etc', mode: 0o700 }]));
    assert.ok(dir);
    assert.equal(dir.name, 'etc');
    assert.equal(dir.mode, 0o040700);
    assert.equal(dir.nlink, 2);
    assert.equal(dir.filesize, 0);
    assert.equal(dir.namesize, 4);
    assert.deepEqual([dir.uid, dir.gid, dir.mtime, dir.check], [0, 0, 0, 0]);
  });

  it('writes a regular file with its data, padded to 4 bytes, and strips leading slashes', () => {
    const data = bytes('hello');
    const [file] = parseNewc(renderCpio([{ kind: 'file', path: '//etc/motd', data }]));
    assert.ok(file);
    assert.equal(file.name, 'etc/motd');
    assert.equal(file.mode, 0o100644, 'files default to 0644');
    assert.equal(file.nlink, 1);
    assert.equal(file.filesize, 5);
    assert.deepEqual(file.data, data);
  });

  it('writes a symlink whose data is the target', () => {
    const [link] = parseNewc(renderCpio([{ kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' }]));
    assert.ok(link);
    assert.equal(link.mode, 0o120777);
    assert.equal(ascii(link.data), '/bin/busybox');
    assert.equal(link.filesize, '/bin/busybox'.length);
  });

  it('writes a character device with its numbers in rdevmajor/rdevminor', () => {
    const [dev] = parseNewc(
      renderCpio([{ kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 }]),
    );
    assert.ok(dev);
    assert.equal(dev.mode, 0o020666);
    assert.deepEqual([dev.rdevmajor, dev.rdevminor], [1, 3]);
    assert.deepEqual([dev.devmajor, dev.devminor], [0, 0]);
    assert.equal(dev.filesize, 0);
    const [tty] = parseNewc(renderCpio([{ kind: 'chardev', path: 'dev/console', major: 5, minor: 1 }]));
    assert.equal(tty?.mode, 0o020600, 'character devices default to 0600');
  });

  it('numbers inodes from 1 in entry order and ends with a TRAILER!!! record', () => {
    const members = parseNewc(renderCpio(SAMPLE));
    assert.deepEqual(
      members.map((m) => [m.ino, m.name]),
      [
        [1, 'bin'],
        [2, 'bin/hello'],
        [3, 'bin/sh'],
        [4, 'dev/console'],
        [5, 'TRAILER!!!'],
      ],
    );
    const trailer = members.at(-1);
    assert.ok(trailer);
    assert.deepEqual([trailer.mode, trailer.filesize, trailer.nlink], [0, 0, 1]);
  });

  it('renders an empty list as just the trailer', () => {
    const members = parseNewc(renderCpio([]));
    assert.deepEqual(
      members.map((m) => [m.ino, m.name]),
      [[1, 'TRAILER!!!']],
    );
  });

  it('gives identical bytes for identical entries', () => {
    const first = renderCpio(SAMPLE);
    const second = renderCpio(SAMPLE.map((e) => ({ ...e })));
    assert.deepEqual(second, first);
    assert.notDeepEqual(renderCpio([...SAMPLE].reverse()), first, 'order is part of the content');
  });
});
