/**
 * @module The portal's one 9p share as the guest sees it: the tag QEMU exports it under and where the guest
 * mounts it unless the formula says otherwise.
 * Pure: no I/O, no imports.
 */

/** The 9p mount tag of the share (`-device virtio-9p-…,mount_tag=`); the guest's fstab mounts this tag. */
export const SHARE_TAG = 'multiverse-portal';

/** Where the guest mounts the share by default (`share.mountPoint`). */
export const DEFAULT_SHARE_MOUNT_POINT = '/mnt/multiverse-portal';
