/**
 * @module Bash completion for a CLI, rendered from its command tree: commands and their aliases, options at
 * every level (the root's anywhere, as commander accepts them), and option values with choices. Words after
 * `--` belong to a program in a portal and are not completed. Pure: returns the script's text.
 */
import { type CommandSpec, inheritedOptions, valuedFlags, walkCommands } from './command-spec.js';

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

function specCases(root: CommandSpec): string[] {
  const globals = inheritedOptions(root).flatMap((o) => o.flags);
  return walkCommands(root).map(({ path, spec }) => {
    // Subcommands, and the fixed choices of its arguments (completion bash|zsh|fish).
    const commands = [
      ...spec.commands.flatMap((c) => [c.name, ...c.aliases]),
      ...spec.arguments.flatMap((a) => a.choices ?? []),
    ];
    const options = [...new Set([...spec.options.flatMap((o) => o.flags), ...globals])];
    return `    ${quote(path.join(' '))}) commands=${quote(commands.join(' '))} options=${quote(options.join(' '))} ;;`;
  });
}

function childCases(root: CommandSpec): string[] {
  return walkCommands(root).flatMap(({ path, spec }) =>
    spec.commands.map((child) => {
      const keys = [child.name, ...child.aliases].map((word) => quote(`${path.join(' ')}|${word}`));
      return `    ${keys.join('|')}) REPLY=${quote([...path, child.name].join(' '))} ;;`;
    }),
  );
}

function valueCases(root: CommandSpec): string[] {
  return walkCommands(root).flatMap(({ path, spec }) =>
    [...spec.options, ...(path.length === 0 ? [] : inheritedOptions(root))].flatMap((option) => {
      const value = option.value;
      if (!value) return [];
      const action = value.choices
        ? `compgen -W ${quote(value.choices.join(' '))} -- "$cur"`
        : value.name === 'dir'
          ? 'compgen -d -- "$cur"'
          : value.name === 'file'
            ? 'compgen -f -- "$cur"'
            : 'true';
      const keys = option.flags.map((flag) => quote(`${path.join(' ')}|${flag}`));
      return [`    ${keys.join('|')}) COMPREPLY=($(${action})) ;;`];
    }),
  );
}

/** The bash completion script for a program (`complete -F _<name> <name>`). */
export function renderBashCompletion(root: CommandSpec): string {
  const fn = `_${root.name.replaceAll('-', '_')}`;
  return `# bash completion for ${root.name}, generated from its command tree by "${root.name} completion bash".
# Install: ${root.name} completion bash > /etc/bash_completion.d/${root.name}   (or: source <(${root.name} completion bash))
${fn}_spec() {
  case $1 in
${specCases(root).join('\n')}
    *) commands='' options='' ;;
  esac
}
${fn}_child() {
  case $1 in
${childCases(root).join('\n')}
    *) return 1 ;;
  esac
}
${fn}_value() {
  case $1 in
${valueCases(root).join('\n')}
    *) return 1 ;;
  esac
}
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local path='' word i commands options REPLY
  local valued=${quote(` ${valuedFlags(root).join(' ')} `)}
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    [[ $word == -- ]] && return 0
    if [[ $word == -* ]]; then
      [[ $valued == *" $word "* ]] && ((i++))
      continue
    fi
    ${fn}_child "$path|$word" && path=$REPLY
  done
  if [[ $prev == -* && $valued == *" $prev "* ]]; then
    ${fn}_value "$path|$prev"
    return 0
  fi
  ${fn}_spec "$path"
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  fi
}
complete -F ${fn} ${root.name}
`;
}
