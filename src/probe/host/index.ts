/**
 * @module The probe domain's adapters as other domains may use them: everything here touches the OS.
 */
export { type DoctorCheck, runDoctorChecks } from './doctor.js';
export { lookupUser, QEMU_USER, readCpuFacts } from './facts.js';
