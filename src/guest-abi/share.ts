/**
 * @module The portal's 9p shares as the guest sees them: the tag QEMU exports the share under and where the
 * guest mounts it unless the formula says otherwise, and the second, read-only export that holds the
 * share's read-only subfolders (the host exports it with `readonly=on`, so no guest can write it) and where
 * the guest mounts it before binding each of those subfolders into place.
 * Pure: no I/O, no imports.
 */

/** The 9p mount tag of the share (`-device virtio-9p-…,mount_tag=`); the guest's fstab mounts this tag. */
export const SHARE_TAG = 'multiverse-portal';

/** Where the guest mounts the share by default (`share.mountPoint`). */
export const DEFAULT_SHARE_MOUNT_POINT = '/mnt/multiverse-portal';

/** The 9p mount tag of the read-only export: the share's read-only subfolders, one folder each. */
export const SHARE_READONLY_TAG = 'multiverse-portal-readonly';

/** Where the guest mounts the read-only export; each read-only subfolder is bound from here into place. */
export const SHARE_READONLY_MOUNT_POINT = '/mnt/multiverse-portal-readonly';
