import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AvailableVersions, addPackagesIndex, planOutdated } from './packages-index.js';

/** Excerpts of a release index and of its security index. */
const RELEASE = `Package: curl
Version: 7.88.1-10+deb12u5
Installed-Size: 500
Architecture: amd64
Description: command line tool
 with a continuation line
 Package: not-a-field

Package: tzdata
Version: 2024a-0+deb12u1
Architecture: all

Package: curl
Version: 7.88.1-10+deb12u5
Architecture: arm64
`;
const SECURITY = `Package: curl
Version: 7.88.1-10+deb12u12
Architecture: arm64

Package: curl
Version: 7.88.1-10+deb12u8
Architecture: amd64
`;

describe('the package indices', () => {
  it('keep the highest version per package for the architecture (or all), across indices', () => {
    const available: AvailableVersions = new Map();
    addPackagesIndex(available, RELEASE, 'amd64');
    addPackagesIndex(available, SECURITY, 'amd64');
    assert.deepEqual(Object.fromEntries(available), {
      curl: '7.88.1-10+deb12u8',
      tzdata: '2024a-0+deb12u1',
    });
  });

  it('find the installed packages that have a newer version, by Debian order, sorted by name', () => {
    const available = new Map([
      ['curl', '7.88.1-10+deb12u12'],
      ['base-files', '12.4+deb12u11'],
      ['dpkg', '1.21.22'],
    ]);
    const installed = [
      'dpkg=1.21.22',
      'curl=7.88.1-10+deb12u5',
      'base-files=12.4+deb12u5',
      'local-only=1.0',
      'bare',
    ];
    assert.deepEqual(planOutdated(installed, available), [
      { name: 'base-files', installed: '12.4+deb12u5', available: '12.4+deb12u11' },
      { name: 'curl', installed: '7.88.1-10+deb12u5', available: '7.88.1-10+deb12u12' },
    ]);
    assert.deepEqual(planOutdated(['curl=7.88.1-10+deb12u12'], available), [], 'up to date');
  });
});
