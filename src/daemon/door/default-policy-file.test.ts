import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { sha256Hex } from '../../digest/index.js';
import { DEFAULT_POLICY } from '../../policy/index.js';
import { installDefaultPolicy } from './default-policy-file.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function stateRoot(): { root: string; file: string; stamp: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'mv-policy-'));
  roots.push(root);
  const dir = path.join(root, 'policy.d');
  return {
    root,
    file: path.join(dir, '90-default.policy'),
    stamp: path.join(dir, '.90-default.policy.sha256'),
  };
}

describe('the default policy file across upgrades', () => {
  it('is written on first start and left as it is when current', () => {
    const { root, file } = stateRoot();
    assert.equal(installDefaultPolicy(root), 'written');
    assert.equal(readFileSync(file, 'utf8'), DEFAULT_POLICY);
    assert.equal(installDefaultPolicy(root), 'current');
  });

  it('is replaced when it is exactly what an older portalgun wrote', () => {
    const { root, file, stamp } = stateRoot();
    installDefaultPolicy(root);
    const older = '# an older default\nportal.up @owner * allow\n* * * deny\n';
    writeFileSync(file, older);
    writeFileSync(stamp, `${sha256Hex(older)}\n`);
    assert.equal(installDefaultPolicy(root), 'written');
    assert.equal(readFileSync(file, 'utf8'), DEFAULT_POLICY);
  });

  it('is replaced when it is the default a version before the digest stamp wrote', () => {
    const { root, file } = stateRoot();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, readFileSync(path.join(import.meta.dirname, 'testdata/90-default-6cb96df.policy')));
    assert.equal(installDefaultPolicy(root), 'written');
    assert.equal(readFileSync(file, 'utf8'), DEFAULT_POLICY);
  });

  it('is kept when someone edited it, or when nothing says portalgun wrote it', () => {
    const { root, file, stamp } = stateRoot();
    installDefaultPolicy(root);
    const stricter = '* * * deny\n';
    writeFileSync(file, stricter);
    assert.equal(installDefaultPolicy(root), 'kept-edited');
    assert.equal(readFileSync(file, 'utf8'), stricter);
    rmSync(stamp);
    assert.equal(installDefaultPolicy(root), 'kept-edited');
    assert.equal(readFileSync(file, 'utf8'), stricter);
  });
});
