/**
 * @module Zsh completion for a CLI, rendered from its command tree: one `_arguments` function per command,
 * with every option's description and its value's choices, and the subcommands described; the root's
 * options are offered at every level, as commander accepts them anywhere. Pure: returns the script's text.
 */
import { type ArgumentSpec, type CommandSpec, inheritedOptions, type OptionSpec } from './command-spec.js';

/** A word in single quotes. */
const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
/** Text inside an `_arguments` description: brackets and colons escaped. */
const bracketed = (text: string): string => text.replace(/([[\]:\\])/g, '\\$1');

function valueAction(name: string, choices: readonly string[] | undefined): string {
  if (choices) return `(${choices.join(' ')})`;
  if (name === 'dir') return '_files -/';
  if (name === 'file') return '_files';
  return ' ';
}

function optionLines(option: OptionSpec): string {
  const value = option.value
    ? `:${bracketed(option.value.name)}:${valueAction(option.value.name, option.value.choices)}`
    : '';
  const text = `[${bracketed(option.description)}]${value}`;
  if (option.flags.length === 1) return quote(`${option.flags[0]}${text}`);
  return `${quote(`(${option.flags.join(' ')})`)}{${option.flags.join(',')}}${quote(text)}`;
}

function argumentLine(argument: ArgumentSpec, index: number): string {
  const position = argument.variadic ? '*' : String(index + 1);
  const optional = argument.required || argument.variadic ? '' : ':';
  const action = valueAction(argument.name, argument.choices);
  return quote(`${position}:${optional}${bracketed(argument.name)}:${action}`);
}

function functionName(root: string, path: readonly string[]): string {
  return ['', root, ...path].join('_').replaceAll('-', '_');
}

function renderFunction(root: CommandSpec, path: readonly string[], spec: CommandSpec): string[] {
  const inherited = path.length === 0 ? [] : inheritedOptions(root);
  const options = [...spec.options, ...inherited].map(optionLines);
  const name = functionName(root.name, path);
  const own = spec.commands.flatMap((child) => renderFunction(root, [...path, child.name], child));
  if (spec.commands.length === 0) {
    const lines = [...options, ...spec.arguments.map(argumentLine)];
    return [
      ...own,
      `${name}() {`,
      `  _arguments -s \\`,
      ...lines.map((l) => `    ${l} \\`),
      `    && return 0`,
      '}',
    ];
  }
  const described = spec.commands.flatMap((child) =>
    [child.name, ...child.aliases].map(
      (word) => `    ${quote(`${word}:${child.description.split('\n')[0]}`)}`,
    ),
  );
  const dispatch = spec.commands.map(
    (child) =>
      `      ${[child.name, ...child.aliases].join('|')}) ${functionName(root.name, [...path, child.name])} ;;`,
  );
  return [
    ...own,
    `${name}() {`,
    '  local curcontext=$curcontext state line',
    '  local -a commands',
    '  commands=(',
    ...described,
    '  )',
    '  _arguments -C -s \\',
    ...options.map((l) => `    ${l} \\`),
    `    '1: :->command' \\`,
    `    '*:: :->argument' && return 0`,
    '  case $state in',
    `    command) _describe -t commands ${quote(`${[root.name, ...path].join(' ')} command`)} commands ;;`,
    '    argument)',
    '      case $words[1] in',
    ...dispatch,
    '      esac ;;',
    '  esac',
    '}',
  ];
}

/** The zsh completion script (`#compdef`), usable from $fpath or with `source`. */
export function renderZshCompletion(root: CommandSpec): string {
  const name = functionName(root.name, []);
  return `#compdef ${root.name}
# zsh completion for ${root.name}, generated from its command tree by "${root.name} completion zsh".
# Install: ${root.name} completion zsh > "\${fpath[1]}/_${root.name}"   (or: source <(${root.name} completion zsh))
${renderFunction(root, [], root).join('\n')}
if [[ $funcstack[1] == ${name} ]]; then
  ${name} "$@"
else
  compdef ${name} ${root.name}
fi
`;
}
