import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { checkPassphraseStrength, MIN_SCORE, passphraseScore } from './passphrase-strength.js';

const weak = (e: unknown) => e instanceof MvError && e.code === 'scramble.weak-passphrase';

describe('the passphrase strength estimate', () => {
  it('needs score 3 for a key file and 4 for a derived root', () => {
    assert.deepEqual({ ...MIN_SCORE }, { 'key-file': 3, 'derived-root': 4 });
  });

  it("refuses common passwords with the estimator's advice as the hint, never echoing the passphrase", async () => {
    for (const passphrase of ['password1234', 'qwertyuiop123', 'iloveyou2024!']) {
      await assert.rejects(checkPassphraseStrength(passphrase, { purpose: 'key-file' }), (e: unknown) => {
        assert.ok(weak(e));
        const error = e as MvError;
        assert.match(
          error.message,
          /too easy to guess for a key-file passphrase \(strength [0-2] of 4; it needs 3\)/,
        );
        assert.ok(error.hint && error.hint.length > 0);
        assert.ok(!`${error.message} ${error.hint}`.includes(passphrase));
        return true;
      });
    }
  });

  it('counts the identity name and the project words as known', async () => {
    assert.ok((await passphraseScore('scramblemultiverse')).score <= 1);
    assert.equal((await passphraseScore('zorbulaxian12')).score, 4, 'an invented word is hard to guess');
    assert.ok((await passphraseScore('zorbulaxian12', ['zorbulaxian'])).score <= 1, 'unless it is the name');
  });

  it('accepts a few unrelated words for either purpose', async () => {
    await checkPassphraseStrength('kettle sunrise obelisk marmalade', { purpose: 'derived-root' });
    await checkPassphraseStrength('kettle sunrise obelisk marmalade', { purpose: 'key-file' });
  });
});
