/**
 * @module Reads a portal's serial console log: the live one in its run folder while it runs, the kept copy
 * after it stopped or crashed. Reads from an offset so `logs -f` can poll for what is new.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { keptConsoleLog } from '../../instance/index.js';
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
    const start = options.offset ?? Math.max(0, size - (options.tailBytes ?? 16_384));
    const length = Math.max(0, Math.min(size - start, MAX_CHUNK));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), offset: start + bytesRead, live };
  } finally {
    await handle.close();
  }
}
