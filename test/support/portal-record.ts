/**
 * @module Portal records as the daemon's state database holds them, for unit tests of code that reads or
 * updates them: a bundled formula's manifest and planned instance, a stand-in image record, and the fields a
 * test cares about; the rest is a portal that is starting.
 */
import type { PortalRecord } from '../../src/daemon/state/portal-store.js';
import type { ImageRecord } from '../../src/image/index.js';
import { bundledFormula } from './catalogue.js';
import { testInstance } from './instance.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** The record of portal `name` of the bundled formula `node` (default application/console), with `fields` replaced. */
export async function portalRecord(
  name: string,
  fields: Partial<PortalRecord> = {},
  node = 'application/console',
): Promise<PortalRecord> {
  const { manifest, hash } = await bundledFormula(node);
  const image: ImageRecord = {
    schemaVersion: 1,
    node: manifest.node,
    imageKey: digest('2'),
    inputs: {
      builder: 'test',
      guest: digest('7'),
      kernel: digest('3'),
      agent: digest('4'),
      node: digest('5'),
      busybox: digest('6'),
      layers: [],
    },
    formulaHash: hash,
    backend: 'micro',
    kernel: { digest: digest('1'), release: '6.1.0-test-amd64' },
    initrd: { digest: digest('2'), size: 1234 },
    base: { digest: digest('3'), size: 56_789, format: 'raw' },
    layers: [],
    packages: ['busybox-static'],
    modules: ['virtio_mmio', 'virtio_blk'],
  };
  return {
    name,
    node: manifest.node,
    formulaHash: hash,
    manifest,
    instance: testInstance(manifest, { name }),
    image,
    state: 'starting',
    pid: null,
    pidStart: null,
    startedAt: 1_700_000_000_000,
    readyAt: null,
    stoppedAt: null,
    exitReason: null,
    restarts: 0,
    nextRestartAt: null,
    ...fields,
  };
}
