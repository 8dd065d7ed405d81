/**
 * @module Chooses the accelerator. KVM only when the CPU has hardware virtualisation (vmx/svm) and the
 * host's KVM is a real one: the paravirtual `kvm_pvm` accepts `-accel kvm` but runs a normal guest kernel
 * through its instruction emulator until the guest dies, so there TCG is the only correct choice.
 * Pure: no I/O.
 */

/** What the host reveals about its CPU and KVM. */
export interface CpuFacts {
  readonly flags: ReadonlySet<string>;
  readonly kvmDevice: boolean;
  readonly kvmPvm: boolean;
  /** "cpu MHz" of the first CPU, which under TCG is the rate the guest TSC runs at. */
  readonly cpuMhz: number | undefined;
}

/** The decision and why, for `portalgun doctor` and `ps`. */
export interface AcceleratorChoice {
  readonly accel: 'kvm' | 'tcg';
  readonly reason: string;
}

/** The CPU flags and MHz of the first processor in /proc/cpuinfo. */
export function parseCpuinfo(text: string): { flags: Set<string>; mhz: number | undefined } {
  const first = text.split(/\n\s*\n/)[0] ?? '';
  const flags = /^flags\s*:\s*(.*)$/m.exec(first)?.[1]?.trim().split(/\s+/) ?? [];
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)$/m.exec(first)?.[1]);
  return { flags: new Set(flags), mhz: Number.isFinite(mhz) && mhz > 0 ? mhz : undefined };
}

/** KVM when it can really run a guest; TCG otherwise. */
export function chooseAccelerator(facts: CpuFacts): AcceleratorChoice {
  const hardware = facts.flags.has('vmx') || facts.flags.has('svm');
  if (!facts.kvmDevice) return { accel: 'tcg', reason: 'no /dev/kvm' };
  if (facts.kvmPvm)
    return {
      accel: 'tcg',
      reason: 'KVM here is the paravirtual kvm_pvm, which cannot run a normal guest kernel',
    };
  if (!hardware) return { accel: 'tcg', reason: 'the CPU shows neither vmx nor svm' };
  return { accel: 'kvm', reason: 'hardware virtualisation and a real KVM' };
}

/** The TSC rate a plan names when the CPU does not say (2.6 GHz, this project's machines). */
export const FALLBACK_TSC_KHZ = 2_600_000;

/** The guest TSC rate in kHz for `tsc_early_khz` (the host's, since TCG runs the guest TSC at host rate). */
export function tscKhzOf(facts: CpuFacts): number | undefined {
  return facts.cpuMhz === undefined ? undefined : Math.round(facts.cpuMhz * 1000);
}
