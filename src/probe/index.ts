/**
 * @module Public surface of the probe domain: the accelerator decision from host facts.
 * Pure: no I/O (the fact readers live in `probe/host`).
 */
export { type AcceleratorChoice, type CpuFacts, chooseAccelerator, parseCpuinfo, tscKhzOf } from './accel.js';
