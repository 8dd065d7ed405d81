import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compareDebianVersions } from './dpkg-version.js';

/**
 * [a, b, what `dpkg --compare-versions` says] for Debian policy 5.6.12's examples and the shapes Debian's own
 * updates take (+debNuM, ~debNuM, ~bpo, epochs); test/integration/debian/dpkg-version.test.ts checks every row
 * against the host's dpkg.
 */
const CASES = JSON.parse(
  readFileSync(fileURLToPath(new URL('testdata/dpkg-version-cases.json', import.meta.url)), 'utf8'),
) as [string, string, -1 | 0 | 1][];

describe('compareDebianVersions', () => {
  it("orders versions as dpkg does (Debian policy's examples and Debian's update suffixes)", () => {
    for (const [a, b, expected] of CASES) {
      assert.equal(compareDebianVersions(a, b), expected, `${a} vs ${b}`);
      assert.equal(compareDebianVersions(b, a), -expected || 0, `${b} vs ${a}`);
    }
  });

  it("sorts policy's tilde example: ~~ < ~~a < ~ < (nothing) < a", () => {
    const sorted = ['1.0a', '1.0', '1.0~', '1.0~~a', '1.0~~'].sort(compareDebianVersions);
    assert.deepEqual(sorted, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a']);
  });
});
