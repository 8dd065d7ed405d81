/**
 * @module Public surface of the probe domain: the accelerator decision from host facts, and the table of
 * host tools `doctor` checks.
 * Pure: no I/O (the fact readers live in `probe/host`).
 */
export { type AcceleratorChoice, type CpuFacts, chooseAccelerator, parseCpuinfo, tscKhzOf } from './accel.js';
export {
  checkLevel,
  type DoctorCheck,
  doctorPasses,
  HOST_TOOLS,
  type HostTool,
  planToolChecks,
} from './host-tools.js';
