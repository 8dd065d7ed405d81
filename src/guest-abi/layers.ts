/**
 * @module How a guest finds its Debian layers: the virtio disk carrying layer `i` has the serial number
 * `layer<i>`, which the guest sees under /dev/disk/by-id.
 * Pure: no I/O, no imports.
 */

export const LAYER_SERIAL_PREFIX = 'layer';
