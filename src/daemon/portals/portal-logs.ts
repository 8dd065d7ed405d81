/**
 * @module Reads a portal's serial console log: the live one in its run folder while it runs, the kept copy
 * after it stopped or crashed (older part first, as log-folder.ts rotated it). Reads from an offset so
 * `logs -f` can poll for what is new.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { keptConsoleLog, runFiles } from '../../instance/index.js';
import { portsOfInstance } from '../../plan/index.js';
import type { DaemonConfig } from '../config.js';
import type { PortalRecord } from '../state/portal-store.js';

const MAX_CHUNK = 262_144;

/** Console text from `offset` (or the last `tailBytes` when no offset is given), and the next offset. */
export async function readConsoleLog(
  config: DaemonConfig,
  record: PortalRecord,
  options: { offset?: number | undefined; tailBytes?: number | undefined },
): Promise<{ text: string; offset: number; live: boolean }> {
  const liveFile = portsOfInstance(record.manifest, record.instance).console?.log;
  const live =
    liveFile !== undefined &&
    record.state !== 'stopped' &&
    record.state !== 'crashed' &&
    existsSync(liveFile);
  const file = live ? liveFile : keptConsoleLog(config, record.name);
  if (!existsSync(file)) return { text: '', offset: 0, live };
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailBytes = options.tailBytes ?? 16_384;
    // An offset past the end means the log was rotated since (log-folder.ts): follow from its new start.
    const start =
      options.offset === undefined
        ? Math.max(0, size - tailBytes)
        : options.offset > size
          ? 0
          : options.offset;
    const length = Math.max(0, Math.min(size - start, MAX_CHUNK));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    const older =
      live && options.offset === undefined && size < tailBytes
        ? await olderTail(tailBytes - size, record)
        : '';
    return { text: older + buffer.subarray(0, bytesRead).toString('utf8'), offset: start + bytesRead, live };
  } finally {
    await handle.close();
  }
}

/** The last `bytes` of a live console log's older part, kept by its last rotation. */
async function olderTail(bytes: number, record: PortalRecord): Promise<string> {
  const handle = await open(runFiles(record.instance.runDir).consoleLogOld, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const length = Math.min(bytes, size);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
