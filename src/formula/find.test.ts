import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { findFormula, lookupFormula, manifestsOf, requireStartable } from './index.js';

describe('finding a formula', () => {
  it('finds a node by path (slashes around it forgiven) or by portal name', async () => {
    const catalogue = await bundledCatalogue();
    assert.equal(lookupFormula(catalogue, '/application/console/')?.manifest.node, 'application/console');
    const { portalName } = findFormula(catalogue, 'application/console').manifest;
    assert.equal(findFormula(catalogue, portalName).manifest.node, 'application/console');
    assert.equal(lookupFormula(catalogue, 'application/nothing'), undefined);
  });

  it('refuses an unknown name with formula.not-found and the likely nodes', async () => {
    const catalogue = await bundledCatalogue();
    assert.throws(() => findFormula(catalogue, 'firefox'), {
      code: 'formula.not-found',
      hint: 'Did you mean "application/browser/firefox"?',
    });
    assert.throws(() => findFormula(catalogue, 'zzz'), { hint: /portalgun formula list/ });
  });

  it('refuses an abstract layer where a portal is wanted, saying what to do instead', async () => {
    const catalogue = await bundledCatalogue();
    const browser = findFormula(catalogue, 'application/browser').manifest;
    assert.throws(() => requireStartable(browser, 'Plan'), {
      code: 'formula.invalid',
      hint: /^Plan one of its children/,
    });
    assert.doesNotThrow(() => requireStartable(findFormula(catalogue, 'application/console').manifest));
    assert.equal(manifestsOf(catalogue).length, catalogue.formulas.size);
  });
});
