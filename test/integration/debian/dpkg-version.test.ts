/**
 * Debian's version ordering, cross-checked against the host's own dpkg: every row of the unit tests' table,
 * and the versions of every package installed on this host, sorted by compareDebianVersions and each
 * neighbour pair (plus a fixed spread of far pairs) confirmed with `dpkg --compare-versions`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareDebianVersions } from '../../../src/debian/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';

/** What dpkg says of a pair: -1, 0 or 1. */
function dpkg(a: string, b: string): -1 | 0 | 1 {
  const is = (op: string) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0;
  if (is('lt')) return -1;
  return is('eq') ? 0 : 1;
}

describe("compareDebianVersions against the host's dpkg", { timeout: 300_000 }, () => {
  it('agrees on every row of the table', () => {
    const file = path.join(REPO_ROOT, 'src/debian/testdata/dpkg-version-cases.json');
    const cases = JSON.parse(readFileSync(file, 'utf8')) as [string, string, number][];
    for (const [a, b] of cases) assert.equal(compareDebianVersions(a, b), dpkg(a, b), `${a} vs ${b}`);
  });

  it("agrees on the versions of the host's installed packages", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
    const listed = spawnSync('dpkg-query', ['-W', '-f', '${Version}\n'], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const versions = [...new Set(listed.stdout.split('\n').filter(Boolean))].sort(compareDebianVersions);
    assert.ok(versions.length > 50, `only ${versions.length} versions installed`);
    const pairs: [string, string][] = [];
    for (let i = 1; i < versions.length; i++) pairs.push([versions[i - 1] ?? '', versions[i] ?? '']);
    for (let i = 0; i < versions.length; i += 7) {
      pairs.push([versions[i] ?? '', versions[(i * 31 + 17) % versions.length] ?? '']);
    }
    for (const [a, b] of pairs) assert.equal(compareDebianVersions(a, b), dpkg(a, b), `${a} vs ${b}`);
  });
});
