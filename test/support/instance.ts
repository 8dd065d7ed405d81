/**
 * @module A portal instance for tests of renderers: the plan the daemon would start on a default host, with
 * stand-in image files (plan/plan-portal.ts), so renderer tests see the paths and values a boot gets:
 * the guest's network settings and (with the tree's `manifests`) star's onion services included.
 */
import type { Manifest } from '../../src/formula/index.js';
import { type Accelerator, DEFAULT_DIRS, type PortalInstance } from '../../src/instance/index.js';
import { planPortal, standInBootImage } from '../../src/plan/index.js';

/** The host id of test instances. */
export const TEST_HOST_ID = 'haaaaaaaaaaaaaaaaaaaaaaaaaa';

/** The instance a manifest gets as the first portal of its name on a default host. */
export function testInstance(
  manifest: Manifest,
  options: { name?: string; accel?: Accelerator; tscKhz?: number; manifests?: readonly Manifest[] } = {},
): PortalInstance {
  const manifests = options.manifests ?? [manifest];
  const manifestOf = (node: string) => manifests.find((m) => m.node === node);
  return planPortal({
    name: options.name ?? manifest.name,
    manifest,
    image: standInBootImage(DEFAULT_DIRS.stateRoot, manifest, manifestOf),
    manifests,
    dirs: DEFAULT_DIRS,
    hostId: TEST_HOST_ID,
    accel: options.accel ?? 'tcg',
    tscKhz: options.tscKhz ?? 2_600_000,
  }).instance;
}
