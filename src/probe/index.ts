/**
 * @module Public surface of the probe domain: the accelerator decision from host facts, the table of host
 * tools `doctor` checks, and how a host thread is placed and scheduled.
 * Pure: no I/O (the fact readers live in `probe/host`).
 */
export {
  type AcceleratorChoice,
  type CpuFacts,
  chooseAccelerator,
  FALLBACK_TSC_KHZ,
  parseCpuinfo,
  tscKhzOf,
} from './accel.js';
export {
  checkLevel,
  type DoctorCheck,
  doctorPasses,
  HOST_TOOLS,
  type HostTool,
  planToolChecks,
} from './host-tools.js';
export {
  parseCpuList,
  SCHEDULING_POLICIES,
  type SchedulingPolicy,
  type ThreadPlacement,
  threadPlacement,
} from './thread-placement.js';
