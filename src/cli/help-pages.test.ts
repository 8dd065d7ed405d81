import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helpPageKey, renderHelpPages } from './help-pages.js';
import { buildProgram } from './program.js';
import { buildScrambleProgram } from './scramble/program.js';

describe('renderHelpPages', () => {
  it('has a page for the program, every command and every alias, as commander prints it at 80 columns', () => {
    const pages = renderHelpPages(buildProgram('1.2.3'));
    assert.match(pages[''] ?? '', /^Usage: portalgun \[options\] \[command\]\n/);
    assert.match(pages['image build'] ?? '', /^Usage: portalgun image build /);
    assert.equal(pages.start, pages.up, 'an alias names the same page');
    assert.equal(pages.ls, pages.ps);
    for (const [key, page] of Object.entries(pages)) {
      assert.ok(
        page.split('\n').every((line) => line.length <= 80),
        `page "${key}" fits 80 columns`,
      );
    }
    assert.match(renderHelpPages(buildScrambleProgram('1.2.3'))[''] ?? '', /^Usage: scramble /);
  });
});

describe('helpPageKey', () => {
  it('names the page of words followed by --help or -h, and nothing else', () => {
    assert.equal(helpPageKey(['--help']), '');
    assert.equal(helpPageKey(['image', 'build', '-h']), 'image build');
    assert.equal(helpPageKey([]), undefined);
    assert.equal(helpPageKey(['up']), undefined);
    assert.equal(helpPageKey(['--json', '--help']), undefined, 'options go to commander');
    assert.equal(helpPageKey(['up', '--help', 'x']), undefined);
    assert.equal(helpPageKey(['up', 'application/console', '--help']), undefined, 'no page for arguments');
  });
});
