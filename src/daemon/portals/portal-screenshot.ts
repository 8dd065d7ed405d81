/**
 * @module `portal.screenshot`: what a graphical portal's display shows, as a PNG. QEMU writes the file
 * itself (QMP `screendump`) into its jail folder in the run folder, which its account can write, so the daemon reads
 * it back the careful way: a fresh random name, opened without following links, accepted only as a plain
 * file of the QEMU account with one link and a bounded size, and removed right after.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { MvError } from '../../errors/index.js';
import { runFiles } from '../../instance/index.js';
import { type QmpExecutor, screendump } from '../../qemu/index.js';
import type { PortalRecord } from '../state/portal-store.js';

/** The largest PNG returned: a reply must fit one protocol line (1 MiB) once sealed and base64-encoded. */
export const MAX_SCREENSHOT_BYTES = 600 * 1024;

/** Takes a screenshot of a ready, graphical portal through its QMP connection; returns the PNG bytes. */
export async function takeScreenshot(
  record: PortalRecord,
  qmp: QmpExecutor,
  qemuUid: number,
): Promise<Buffer> {
  if (record.manifest.devices.display === 'none') {
    throw new MvError('portal.no-display', `Portal "${record.name}" has no display`, {
      hint: 'Only portals with devices.display spice or vnc have a screen to capture.',
    });
  }
  const name = `screenshot-${randomBytes(8).toString('hex')}.png`;
  // A jailed QEMU (every portal started since per-portal accounts) writes inside its chroot.
  const jailed = record.instance.uid !== undefined;
  const file = `${jailed ? runFiles(record.instance.runDir).jail : record.instance.runDir}/${name}`;
  try {
    await screendump(qmp, { filename: jailed ? `/${name}` : file }, { timeoutMs: 10_000 });
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.uid !== qemuUid || info.nlink !== 1) {
        throw new MvError(
          'portal.screenshot-failed',
          `The screenshot of "${record.name}" is not QEMU's own file`,
          {
            hint: 'Something in the portal run folder interfered; try again, and check the host if it recurs.',
          },
        );
      }
      if (info.size > MAX_SCREENSHOT_BYTES) {
        throw new MvError(
          'portal.screenshot-failed',
          `The screenshot of "${record.name}" is ${info.size} bytes, over the ${MAX_SCREENSHOT_BYTES} a reply can carry`,
          { hint: 'Lower the guest display resolution.' },
        );
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } finally {
    await rm(file, { force: true });
  }
}
