/**
 * @module The agent port as a device file: blocking reads on libuv's thread pool, and writes queued so
 * frames never interleave. A write that fails (the host went away mid-frame) is dropped: the host's next
 * connection starts a fresh stream, and there is nobody to tell.
 */
import { type FileHandle, open } from 'node:fs/promises';

/** An open agent port. */
export interface PortDevice {
  /** Reads into the buffer; 0 while no host is connected. */
  read(buffer: Buffer): Promise<number>;
  /** Writes one whole frame after the ones before it; never rejects. */
  write(frame: Buffer): Promise<void>;
}

/** Opens a virtio-serial port device for reading and writing. */
export async function openPortDevice(path: string): Promise<PortDevice> {
  const handle = await open(path, 'r+');
  let queue: Promise<void> = Promise.resolve();
  return {
    read: async (buffer) => (await handle.read(buffer, 0, buffer.length, null)).bytesRead,
    write(frame) {
      queue = queue
        .then(() => writeAll(handle, frame))
        .catch(() => {
          // The host is gone; see the module comment.
        });
      return queue;
    },
  };
}

async function writeAll(handle: FileHandle, frame: Buffer): Promise<void> {
  let offset = 0;
  while (offset < frame.length) {
    const { bytesWritten } = await handle.write(frame, offset, frame.length - offset, null);
    offset += bytesWritten;
  }
}
