import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { NO_DAEMON_RUN } from '../../support/cli.js';

const work = mkdtempSync('/tmp/mv-identity-');
after(() => rmSync(work, { recursive: true, force: true }));

const PASSPHRASE = 'kettle sunrise obelisk marmalade';
let homes = 0;

/** Runs the built `scramble` with its own SCRAMBLE_HOME (a new one unless given) and the passphrase. */
function scramble(
  args: readonly string[],
  options: { home?: string; passphrase?: string; input?: string } = {},
) {
  const home = options.home ?? path.join(work, `home-${++homes}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SCRAMBLE_HOME: home,
    SCRAMBLE_PASSPHRASE: options.passphrase ?? PASSPHRASE,
    PORTALGUN_RUN: NO_DAEMON_RUN,
  };
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/scramble.js'), ...args], {
    env,
    encoding: 'utf8',
    input: options.input ?? '',
  });
  return { home, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `scramble --json id new …` in a new home: its Scramble ID and home. */
function newIdentity(args: readonly string[] = [], passphrase = PASSPHRASE) {
  const made = scramble(['--json', 'id', 'new', ...args], { passphrase });
  assert.equal(made.status, 0, made.stderr);
  return { home: made.home, scrambleId: (JSON.parse(made.stdout) as { scrambleId: string }).scrambleId };
}

interface Shown {
  scrambleId: string;
  derivation: string;
  rootKdf?: { alg: string; t: number; m: number; p: number; salt: string };
}
const show = (home: string) => JSON.parse(scramble(['--json', 'id', 'show'], { home }).stdout) as Shown;

describe('identities: no brain key unless asked for', { timeout: 300_000 }, () => {
  it('makes a random root by default: the same passphrase twice gives two Scramble IDs', () => {
    const a = newIdentity();
    const b = newIdentity();
    assert.notEqual(a.scrambleId, b.scrambleId);
    assert.equal(show(a.home).derivation, 'random');
    assert.equal(show(a.home).rootKdf, undefined);
  });

  it('derives from the passphrase only with --derive-from-passphrase, under a random salt of its own (or --salt)', () => {
    const first = newIdentity(['--derive-from-passphrase']);
    const second = newIdentity(['--derive-from-passphrase']);
    assert.notEqual(first.scrambleId, second.scrambleId, 'two random salts, two IDs');
    const { derivation, rootKdf } = show(first.home);
    assert.equal(derivation, 'passphrase');
    assert.deepEqual(
      { ...rootKdf, salt: undefined },
      { alg: 'argon2id', t: 1, m: 2_096_128, p: 4, salt: undefined },
    );
    const exported = JSON.parse(scramble(['id', 'export-public'], { home: first.home }).stdout) as Shown;
    assert.deepEqual(exported.rootKdf, rootKdf, 'the salt travels with the public export');
    const again = newIdentity(['--derive-from-passphrase', '--salt', rootKdf?.salt ?? '']);
    assert.equal(
      again.scrambleId,
      first.scrambleId,
      'the same salt and passphrase make the same ID elsewhere',
    );
  });

  it("refuses a weak passphrase (exit 2) with the estimator's advice, and a --salt without the flag", () => {
    const weak = scramble(['id', 'new'], { passphrase: 'password1234' });
    assert.equal(weak.status, 2);
    assert.match(
      weak.stderr,
      /too easy to guess for a key-file passphrase \(strength \d of 4; it needs 3\) \[scramble\.weak-passphrase\]/,
    );
    assert.match(weak.stderr, /hint: .*commonly used password/);
    // Strong enough for a key file (score 3), not for a root anyone holding the ID may guess at (score 4).
    const middling = 'purple elephant';
    assert.equal(scramble(['id', 'new'], { passphrase: middling }).status, 0);
    const derived = scramble(['id', 'new', '--derive-from-passphrase'], { passphrase: middling });
    assert.equal(derived.status, 2);
    assert.match(derived.stderr, /a passphrase that derives the root key \(strength 3 of 4; it needs 4\)/);
    const salt = scramble(['id', 'new', '--salt', 'AAMGCQwPEhUYGx4hJCcqLQ']);
    assert.equal(salt.status, 2);
    assert.match(salt.stderr, /--salt goes only with --derive-from-passphrase \[usage\.invalid\]/);
  });

  it('refuses a session.json others may read (exit 5), naming the chmod', () => {
    const { home } = newIdentity();
    const session = path.join(home, 'session.json');
    chmodSync(session, 0o644);
    const loose = scramble(['id', 'show'], { home });
    assert.equal(loose.status, 5);
    assert.match(
      loose.stderr,
      /session\.json is open to group or others \(mode 644\).*\[scramble\.loose-permissions\]/,
    );
    assert.match(loose.stderr, new RegExp(`hint: chmod 700 ${home} && chmod 600 ${session}`));
    chmodSync(session, 0o600);
    assert.equal(scramble(['id', 'show'], { home }).status, 0);
  });
});

describe('the recovery kit', { timeout: 120_000 }, () => {
  const NEW_PASSPHRASE = 'a different passphrase for the restored copy';

  it('backs up the root as 24 words and restores the same Scramble ID under a new passphrase', () => {
    const original = newIdentity();
    const kit = path.join(work, 'phrase.kit');
    const backup = scramble(['id', 'backup', '--out', kit], { home: original.home });
    assert.equal(backup.status, 0, backup.stderr);
    assert.equal(statSync(kit).mode & 0o777, 0o600);
    const text = readFileSync(kit, 'utf8');
    assert.match(text, new RegExp(`^# Scramble ID: ${original.scrambleId}$`, 'm'));
    assert.equal(
      text.split('\n').filter((line) => line && !line.startsWith('#')).length,
      4,
      'four lines of six words',
    );
    assert.equal(
      scramble(['id', 'backup', '--out', kit], { home: original.home }).status,
      2,
      'never overwrites',
    );

    const restored = scramble(['--json', 'id', 'restore', '--from', kit], { passphrase: NEW_PASSPHRASE });
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal((JSON.parse(restored.stdout) as { scrambleId: string }).scrambleId, original.scrambleId);
    const session = scramble(['session', 'new'], { home: restored.home, passphrase: NEW_PASSPHRASE });
    assert.equal(session.status, 0, session.stderr);
    assert.equal(show(restored.home).derivation, 'restored');
    assert.equal(show(restored.home).scrambleId, original.scrambleId);
  });

  it('names the wrong word of a typed phrase (exit 2)', () => {
    const original = newIdentity();
    const printed = scramble(['--json', 'id', 'backup'], { home: original.home });
    assert.match(printed.stderr, /^warning: the recovery kit below IS your root key/);
    const { phrase } = JSON.parse(printed.stdout) as { phrase: string[] };
    assert.equal(phrase.length, 24);
    const typo = phrase.map((word, i) => (i === 4 ? `${word}x` : word)).join(' ');
    const bad = scramble(['id', 'restore'], { input: `${typo}\n` });
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /Word 5 of the recovery phrase is not on the BIP-39 English list \[scramble\.bad-recovery\]/,
    );
    const good = scramble(['--json', 'id', 'restore'], { input: `${phrase.join(' ')}\n` });
    assert.equal(good.status, 0, good.stderr);
    assert.equal((JSON.parse(good.stdout) as { scrambleId: string }).scrambleId, original.scrambleId);
  });

  it('splits the root into 3-of-5 shares: any 3 restore it, 2 are not enough, a mistyped one is named', () => {
    const original = newIdentity();
    const kit = path.join(work, 'shares.kit');
    assert.equal(
      scramble(['id', 'backup', '--shares', '3/5', '--out', kit], { home: original.home }).status,
      0,
    );
    const lines = readFileSync(kit, 'utf8').split('\n');
    const shares = lines.filter((line) => line.startsWith('mvshare1-'));
    assert.equal(shares.length, 5);
    const pick = (indices: number[]) => indices.map((i) => shares[i]).join('\n');

    const restored = scramble(['--json', 'id', 'restore'], { input: `${pick([4, 0, 2])}\n` });
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal((JSON.parse(restored.stdout) as { scrambleId: string }).scrambleId, original.scrambleId);

    const few = scramble(['id', 'restore'], { input: `${pick([1, 3])}\n` });
    assert.equal(few.status, 2);
    assert.match(
      few.stderr,
      /2 different shares given; this backup needs 3 of its 5 \[scramble\.bad-recovery\]/,
    );

    const second = shares[1] ?? '';
    const typo = `${second.slice(0, 12)}${second[12] === 'a' ? 'b' : 'a'}${second.slice(13)}`;
    const kitWithTypo = path.join(work, 'typo.kit');
    writeFileSync(kitWithTypo, lines.map((line) => (line === second ? typo : line)).join('\n'));
    const mistyped = scramble(['id', 'restore', '--from', kitWithTypo]);
    assert.equal(mistyped.status, 2);
    assert.match(
      mistyped.stderr,
      /share 2 \(line \d+\) fails its checksum: a character is wrong \[scramble\.bad-recovery\]/,
    );
  });
});
