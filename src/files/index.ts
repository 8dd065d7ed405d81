/** @module The files domain's pure helpers: reading the kernel's mount tables. Adapters live in host/. */
export { unescapeMountField } from './mount-fields.js';
