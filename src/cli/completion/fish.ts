/**
 * @module Fish completion for a CLI, rendered from its command tree: a helper that finds the command path
 * of the line (skipping options and their values, stopping at `--`), then one `complete` line per command,
 * option and choice, with its description; the root's options are offered at every level.
 * Pure: returns the script's text.
 */
import {
  type CommandSpec,
  inheritedOptions,
  type OptionSpec,
  valuedFlags,
  walkCommands,
} from './command-spec.js';

const quote = (text: string): string => `'${text.replace(/(['\\])/g, '\\$1')}'`;

function optionLine(program: string, condition: string, option: OptionSpec): string {
  const parts = [`complete -c ${program} -n ${quote(condition)}`];
  for (const flag of option.flags)
    parts.push(flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
  const value = option.value;
  if (value?.choices) parts.push(`-x -a ${quote(value.choices.join(' '))}`);
  else if (value?.name === 'dir') parts.push(`-x -a '(__fish_complete_directories)'`);
  else if (value?.name === 'file') parts.push('-r -F');
  else if (value) parts.push('-x');
  parts.push(`-d ${quote(option.description)}`);
  return parts.join(' ');
}

/** The fish completion script (`complete -c <name> …`). */
export function renderFishCompletion(root: CommandSpec): string {
  const program = root.name;
  const fn = `__${program.replaceAll('-', '_')}`;
  const children = walkCommands(root).flatMap(({ path, spec }) =>
    spec.commands.map(
      (child) =>
        `        case ${[child.name, ...child.aliases].map((w) => quote(`${path.join(' ')}|${w}`)).join(' ')}\n            set path ${quote([...path, child.name].join(' '))}`,
    ),
  );
  const lines = walkCommands(root).flatMap(({ path, spec }) => {
    const condition = `${fn}_at ${quote(path.join(' '))}`;
    const inherited = path.length === 0 ? [] : inheritedOptions(root);
    const commands = spec.commands.flatMap((child) =>
      [child.name, ...child.aliases].map(
        (word) =>
          `complete -c ${program} -n ${quote(condition)} -a ${quote(word)} -d ${quote(child.description.split('\n')[0] ?? '')}`,
      ),
    );
    const choices = spec.arguments.flatMap((argument) =>
      (argument.choices ?? []).map(
        (choice) => `complete -c ${program} -n ${quote(condition)} -a ${quote(choice)}`,
      ),
    );
    return [
      ...commands,
      ...choices,
      ...[...spec.options, ...inherited].map((o) => optionLine(program, condition, o)),
    ];
  });
  return `# fish completion for ${program}, generated from its command tree by "${program} completion fish".
# Install: ${program} completion fish > ~/.config/fish/completions/${program}.fish
complete -c ${program} -f
function ${fn}_path --description 'the command path of the line being completed'
    set -l valued ${valuedFlags(root).join(' ')}
    set -l path ''
    set -l skip 0
    set -l words (commandline -opc)
    set -e words[1]
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case --
                echo '--'
                return
            case '-*'
                contains -- $word $valued; and set skip 1
                continue
        end
        switch "$path|$word"
${children.join('\n')}
        end
    end
    echo $path
end
function ${fn}_at --description 'whether the line is at this command path'
    test (${fn}_path) = "$argv[1]"
end
${lines.join('\n')}
`;
}
