import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroupMountsOf, ownGroupsOf, portalCgroupOf } from './cgroup-fs.js';

const MOUNTINFO = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
41 22 0:38 / /mnt/with\\040space rw - cgroup2 cgroup2 rw`;

describe('finding the cgroup hierarchies', () => {
  it('reads the v1 controllers and the v2 mounts from mountinfo', () => {
    assert.deepEqual(
      cgroupMountsOf(MOUNTINFO).map((m) => `${m.v2 ? 'v2' : 'v1'} ${m.point} ${m.controllers.join(',')}`),
      [
        'v1 /sys/fs/cgroup/cpu rw,cpu',
        'v1 /sys/fs/cgroup/memory rw,memory',
        'v1 /sys/fs/cgroup/pids rw,pids',
        'v2 /sys/fs/cgroup/unified rw',
        'v2 /mnt/with space rw',
      ],
    );
  });

  it("reads this process's own group per controller, v2's under the empty name", () => {
    const groups = ownGroupsOf('4:memory:/sandbox/a\n2:cpu,cpuacct:/\n0::/user.slice\n');
    assert.equal(groups.get('memory'), '/sandbox/a');
    assert.equal(groups.get('cpuacct'), '/');
    assert.equal(groups.get(''), '/user.slice');
  });

  it("puts each portal under its daemon's own group, one group per daemon", () => {
    const v1 = portalCgroupOf(
      { version: 1, parents: { cpu: '/c', memory: '/m/sandbox', pids: '/p' } },
      '/run/multiverse',
      'console',
    );
    assert.equal(v1.dirs.length, 3);
    assert.match(v1.dirs[1] ?? '', /^\/m\/sandbox\/multiverse-[0-9a-f]{8}\/console$/);
    const other = portalCgroupOf({ version: 2, parent: '/u' }, '/tmp/test-run', 'console');
    assert.notEqual(path(other.dirs[0]), path(v1.dirs[0]));
  });
});

function path(dir: string | undefined): string {
  return (dir ?? '').split('/').at(-2) ?? '';
}
