/**
 * @module The read-only layers of a Debian image, following the formula tree: Debian's minbase at the
 * bottom, then one layer per formula on the way down from the root of the tree whose packages add to its
 * parent's (a formula that adds none adds no layer). A layer's key chains its parent's key with its own
 * node and packages, so a layer is built once and shared by every image above it, and changing a formula's
 * packages or archive components changes its layer and every layer below it in the tree — and nothing
 * else. Where the packages come from (the archive's address) is not part of a key: any mirror serves the
 * same signed archive, and `image build --refresh` is how a layer is built again from today's archive.
 * Pure: no I/O.
 */
import { DEBIAN_SUITE, type DebianComponent, planComponents } from '../debian/index.js';
import { digestJson } from '../digest/index.js';
import { compareText, type Manifest, parentOf } from '../formula/index.js';

/**
 * The layer builder's version: part of every layer key, so a builder change rebuilds every layer.
 * 3: sources with the -updates and -security suites, and minbase upgraded from them.
 */
const LAYER_BUILDER_VERSION = 'portalgun-debian/3';

/** The node name recorded for the bottom layer, which no formula owns. */
export const DEBIAN_BASE_NODE = `debian/${DEBIAN_SUITE}-minbase`;

/** One layer to build (or find built): its key, what it adds, and the key of the layer below. */
export interface LayerSpec {
  readonly key: string;
  readonly node: string;
  /** Packages this layer installs (none for the bottom layer, which is Debian's minbase). */
  readonly packages: readonly string[];
  /** The archive components its sources list (main first; only main for the bottom layer). */
  readonly components: readonly DebianComponent[];
  /** Foreign architectures its dpkg accepts (none for most layers). */
  readonly architectures: readonly 'i386'[];
  readonly parentKey: string | null;
}

/** The formula nodes from the root of the tree down to `node`, each with its manifest when it has one. */
function treePath(node: string, manifestOf: (node: string) => Manifest | undefined): Manifest[] {
  const path: Manifest[] = [];
  for (let at: string | undefined = node; at !== undefined; at = parentOf(at)) {
    const manifest = manifestOf(at);
    if (manifest) path.unshift(manifest);
  }
  return path;
}

/** The layers of a Debian image of `node`, bottom first. */
export function planLayers(node: string, manifestOf: (node: string) => Manifest | undefined): LayerSpec[] {
  const base: LayerSpec = {
    key: digestJson({ builder: LAYER_BUILDER_VERSION, suite: DEBIAN_SUITE, variant: 'minbase' }),
    node: DEBIAN_BASE_NODE,
    packages: [],
    components: planComponents([]),
    architectures: [],
    parentKey: null,
  };
  const layers = [base];
  let inherited = new Set<string>();
  for (const manifest of treePath(node, manifestOf)) {
    const own = manifest.packages.filter((name) => !inherited.has(name)).sort(compareText);
    inherited = new Set(manifest.packages);
    if (own.length === 0) continue;
    const parentKey = layers.at(-1)?.key ?? null;
    const components = planComponents(manifest.image.components);
    const architectures = [...new Set(manifest.image.architectures)].sort();
    // Only a layer with foreign architectures keys them, so every other layer keeps the key it had.
    const foreign = architectures.length > 0 ? { architectures } : {};
    layers.push({
      key: digestJson({ parentKey, node: manifest.node, packages: own, components, ...foreign }),
      node: manifest.node,
      packages: own,
      components,
      architectures,
      parentKey,
    });
  }
  return layers;
}
