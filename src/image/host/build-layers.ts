import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/run-command.js';
import { writeFileAtomic } from '../../files/host/write-atomic.js';
import type { LayerSpec } from '../debian-layers.js';
import { layerUuid, renderLayerScript } from '../layer-script.js';
import { blobPath, layerRecordPath, storeLayout } from '../layout.js';
import { putBlob } from './store.js';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/** The record of a built layer. */
const LAYER_RECORD_SCHEMA = z.strictObject({
  key: digest,
  node: z.string(),
  parentKey: digest.nullable(),
  /** What this layer installs itself. */
  adds: z.array(z.string()),
  /** Every package installed once this layer is on, `name=version`: the SBOM up to here. */
  installed: z.array(z.string()),
  digest,
  size: z.number().int().nonnegative(),
});

/** A built layer. */
export type LayerRecord = z.output<typeof LAYER_RECORD_SCHEMA>;

/** The Debian mirror layers are built from: `PORTALGUN_DEBIAN_MIRROR`, or Debian's own redirector. */
export function debianMirror(): string {
  return process.env.PORTALGUN_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

async function readLayerRecord(stateRoot: string, key: string): Promise<LayerRecord | undefined> {
  const file = layerRecordPath(stateRoot, key);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = LAYER_RECORD_SCHEMA.safeParse(json);
  // A damaged record, or one whose blob is gone, is simply built again.
  if (!parsed.success || !existsSync(blobPath(stateRoot, parsed.data.digest))) return undefined;
  return parsed.data;
}

async function writeLayerRecord(stateRoot: string, record: LayerRecord): Promise<void> {
  const file = layerRecordPath(stateRoot, record.key);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

async function buildLayer(
  stateRoot: string,
  spec: LayerSpec,
  parents: readonly LayerRecord[],
  log: (line: string) => void,
): Promise<LayerRecord> {
  const staging = storeLayout(stateRoot).staging;
  await mkdir(staging, { recursive: true });
  const work = await mkdtemp(path.join(staging, 'layer-'));
  try {
    const output = path.join(work, 'layer.erofs');
    const sbom = path.join(work, 'packages.txt');
    const script = path.join(work, 'build.sh');
    await writeFile(
      script,
      renderLayerScript({
        work,
        output,
        sbom,
        parents: parents.map((parent) => blobPath(stateRoot, parent.digest)),
        packages: spec.packages,
        mirror: debianMirror(),
        uuid: layerUuid(spec.key),
      }),
    );
    await runCommand('unshare', ['--mount', '--propagation', 'private', '--', 'sh', script], {
      onStdoutLine: (line) => {
        if (line.startsWith('step: ')) log(`${spec.node}: ${line.slice('step: '.length)}`);
      },
    }).catch((error: unknown) => {
      if (!(error instanceof MvError) || error.code !== 'host.command-failed') throw error;
      // The script prints the tail of debootstrap's or apt's log: say which layer, and what to check.
      const detail = error.message.replace(/^[^:]*: /, '');
      throw new MvError('image.build-failed', `Building the layer of ${spec.node} failed: ${detail}`, {
        hint: `Check the package names in the formula of ${spec.node} (packages:) and that the Debian mirror ${debianMirror()} is reachable.`,
        cause: error,
      });
    });
    const size = (await stat(output)).size;
    const installed = (await readFile(sbom, 'utf8')).split('\n').filter(Boolean).sort();
    const record: LayerRecord = {
      key: spec.key,
      node: spec.node,
      parentKey: spec.parentKey,
      adds: [...spec.packages],
      installed,
      digest: await putBlob(stateRoot, output),
      size,
    };
    await writeLayerRecord(stateRoot, record);
    return record;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Builds in progress by store and layer key: two images sharing a missing layer wait for the same build. */
const building = new Map<string, Promise<LayerRecord>>();

/** The records of every layer, bottom first, building the ones that are missing. */
export async function ensureLayers(
  stateRoot: string,
  specs: readonly LayerSpec[],
  log: (line: string) => void,
): Promise<LayerRecord[]> {
  const records: LayerRecord[] = [];
  for (const spec of specs) {
    const found = await readLayerRecord(stateRoot, spec.key);
    if (found) {
      log(`${spec.node}: layer already built`);
      records.push(found);
    } else {
      const id = `${stateRoot}\0${spec.key}`;
      let build = building.get(id);
      if (!build) {
        log(`${spec.node}: building the layer`);
        build = buildLayer(stateRoot, spec, [...records], log).finally(() => building.delete(id));
        building.set(id, build);
      }
      records.push(await build);
    }
  }
  return records;
}
