import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Argument, Command, Option } from 'commander';
import { assertGolden } from '../../../test/support/golden.js';
import { renderBashCompletion } from './bash.js';
import { describeCommand, inheritedOptions, valuedFlags, walkCommands } from './command-spec.js';
import { renderFishCompletion } from './fish.js';
import { renderManPage } from './man-page.js';
import { renderZshCompletion } from './zsh.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

/** A small CLI with what the renderers must handle: aliases, a group, values with choices, quoting. */
function fixture(): Command {
  const program = new Command('demo')
    .description("A demo CLI: it's [small] - with a .dot and a \\ backslash")
    .version('1.2.3', '-V, --version')
    .option('--json', 'machine-readable output')
    .option('--run <dir>', 'run folder');
  program
    .command('up')
    .alias('start')
    .description('Start something')
    .argument('[formula]', 'what to start')
    .option('--name <name>', 'instance name')
    .addOption(new Option('--format <format>', 'how to show it').choices(['text', 'json']).default('text'));
  const group = program.command('image').description('Images');
  group
    .command('build')
    .description('Build one')
    .argument('<formula>', 'which')
    .option('-f, --force', 'again');
  program
    .command('completion')
    .description('Print a completion script')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']));
  return program;
}

describe('the command tree as data', () => {
  it('reads names, aliases, options with values and choices, arguments and groups', () => {
    const spec = describeCommand(fixture());
    assert.deepEqual(
      walkCommands(spec).map(({ path }) => path.join(' ')),
      ['', 'up', 'image', 'image build', 'image help', 'completion', 'help'],
    );
    const up = spec.commands.find((c) => c.name === 'up');
    assert.deepEqual(up?.aliases, ['start']);
    assert.deepEqual(up?.options.find((o) => o.flags.includes('--format'))?.value, {
      name: 'format',
      choices: ['text', 'json'],
    });
    assert.deepEqual(valuedFlags(spec), ['--format', '--name', '--run']);
    assert.deepEqual(
      inheritedOptions(spec).map((o) => o.flags.join(',')),
      ['--json', '--run'],
    );
  });
});

describe('rendered from the command tree', () => {
  const spec = describeCommand(fixture());
  it('bash completion', () => assertGolden(testdata('demo.bash'), renderBashCompletion(spec)));
  it('zsh completion', () => assertGolden(testdata('demo.zsh'), renderZshCompletion(spec)));
  it('fish completion', () => assertGolden(testdata('demo.fish'), renderFishCompletion(spec)));
  it('the man page', () => {
    const page = renderManPage(spec, {
      version: '1.2.3',
      manual: 'Demo',
      sections: [{ title: 'Environment', entries: [{ term: 'DEMO_RUN', text: 'where it runs' }] }],
    });
    assertGolden(testdata('demo.1'), page);
    assert.doesNotMatch(
      page,
      /^[.'](?!\\"|TH|SH|TP|B |RS|RE)/m,
      'no text line starts with a control character',
    );
  });
});
