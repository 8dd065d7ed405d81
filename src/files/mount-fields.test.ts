import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unescapeMountField } from './mount-fields.js';

describe('mount table fields', () => {
  it('undoes the kernel octal escapes of space, tab, newline and backslash', () => {
    assert.equal(unescapeMountField('/mnt/a\\040b\\011c\\012d\\134e'), '/mnt/a b\tc\nd\\e');
  });

  it('leaves a field without escapes as it is', () => {
    assert.equal(unescapeMountField('/sys/fs/cgroup/cpu,cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
  });
});
