import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFakeSystem } from './fake-system.js';
import { readPortPath, waitForPort } from './ports.js';

const ports = createFakeSystem({
  '/sys/class/virtio-ports/vport1p1/name': 'org.multiverse-os.agent\n',
  '/sys/class/virtio-ports/vport1p2/name': 'org.multiverse-os.status\n',
  '/sys/class/virtio-ports/vport2p1/name': 'org.qemu.guest_agent.0\n',
});

describe('virtio port discovery', () => {
  it('finds a port by name', async () => {
    assert.equal(await readPortPath('org.multiverse-os.agent', ports), '/dev/vport1p1');
    assert.equal(await readPortPath('org.multiverse-os.status', ports), '/dev/vport1p2');
    assert.equal(await readPortPath('org.example.none', ports), undefined);
    assert.equal(await readPortPath('org.multiverse-os.agent', createFakeSystem()), undefined);
  });

  it('waits for a port and gives up after the attempts', async () => {
    const system = createFakeSystem();
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      if (sleeps.length === 2)
        system.files.set('/sys/class/virtio-ports/vport0p1/name', 'org.multiverse-os.agent');
    };
    const options = { system, attempts: 5, intervalMs: 500, sleep };
    assert.equal(await waitForPort('org.multiverse-os.agent', options), '/dev/vport0p1');
    assert.deepEqual(sleeps, [500, 500]);
    assert.equal(await waitForPort('org.example.none', { ...options, attempts: 3 }), undefined);
    assert.equal(sleeps.length, 4);
  });
});
