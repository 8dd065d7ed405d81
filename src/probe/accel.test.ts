import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CpuFacts, chooseAccelerator, parseCpuinfo, tscKhzOf } from './index.js';

/** Two processors, as /proc/cpuinfo prints them on x86 (tabs before the colons). */
const CPUINFO = `processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) CPU @ 2.60GHz
cpu MHz\t\t: 2599.998
flags\t\t: fpu vme de pse tsc msr vmx ssse3 hypervisor

processor\t: 1
vendor_id\t: GenuineIntel
cpu MHz\t\t: 1200.000
flags\t\t: fpu svm extra_flag_of_cpu1

`;

const facts = (overrides: Partial<CpuFacts> & { flagList?: string[] } = {}): CpuFacts => ({
  flags: new Set(overrides.flagList ?? ['fpu', 'vmx']),
  kvmDevice: overrides.kvmDevice ?? true,
  kvmPvm: overrides.kvmPvm ?? false,
  cpuMhz: 'cpuMhz' in overrides ? overrides.cpuMhz : 2600,
});

describe('parseCpuinfo', () => {
  it('reads the flags and MHz of the first processor only', () => {
    const { flags, mhz } = parseCpuinfo(CPUINFO);
    assert.deepEqual([...flags], ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'vmx', 'ssse3', 'hypervisor']);
    assert.ok(!flags.has('svm'), 'flags of the second processor are not mixed in');
    assert.equal(mhz, 2599.998);
  });

  it('leaves MHz undefined when it is missing or zero, and flags empty when missing', () => {
    assert.equal(parseCpuinfo('processor\t: 0\nflags\t\t: fpu\n').mhz, undefined);
    assert.equal(parseCpuinfo('processor\t: 0\ncpu MHz\t\t: 0.000\n').mhz, undefined);
    const empty = parseCpuinfo('');
    assert.deepEqual([...empty.flags], []);
    assert.equal(empty.mhz, undefined);
  });

  it('does not take "cpu MHz dynamic" or similar lines for the MHz', () => {
    assert.equal(parseCpuinfo('cpu MHz dynamic\t: 3000\n').mhz, undefined);
  });
});

describe('chooseAccelerator', () => {
  it('uses TCG without /dev/kvm, even with vmx', () => {
    assert.deepEqual(chooseAccelerator(facts({ kvmDevice: false })), { accel: 'tcg', reason: 'no /dev/kvm' });
  });

  it('uses TCG on the paravirtual kvm_pvm, even with vmx', () => {
    const choice = chooseAccelerator(facts({ kvmPvm: true }));
    assert.equal(choice.accel, 'tcg');
    assert.match(choice.reason, /kvm_pvm/);
  });

  it('uses TCG when the CPU shows neither vmx nor svm', () => {
    const choice = chooseAccelerator(facts({ flagList: ['fpu', 'hypervisor'] }));
    assert.equal(choice.accel, 'tcg');
    assert.match(choice.reason, /neither vmx nor svm/);
  });

  it('uses KVM with vmx or svm and a real KVM', () => {
    assert.equal(chooseAccelerator(facts({ flagList: ['vmx'] })).accel, 'kvm');
    assert.equal(chooseAccelerator(facts({ flagList: ['svm'] })).accel, 'kvm');
  });

  it('decides from parsed cpuinfo', () => {
    const { flags, mhz } = parseCpuinfo(CPUINFO);
    assert.equal(chooseAccelerator({ flags, kvmDevice: true, kvmPvm: false, cpuMhz: mhz }).accel, 'kvm');
  });
});

describe('tscKhzOf', () => {
  it('turns MHz into whole kHz', () => {
    assert.equal(tscKhzOf(facts({ cpuMhz: 2599.998 })), 2_599_998);
    assert.equal(tscKhzOf(facts({ cpuMhz: 1234.5678 })), 1_234_568);
  });

  it('is undefined when the MHz is unknown', () => {
    assert.equal(tscKhzOf(facts({ cpuMhz: undefined })), undefined);
  });
});
