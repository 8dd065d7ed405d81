/**
 * @module `<cli> completion bash|zsh|fish`: prints the shell completion script of the program it belongs
 * to (portalgun or scramble), rendered from the program's own command tree, so it always lists the
 * commands, aliases, options and choices that exist.
 */
import { Argument, type Command } from 'commander';
import { renderBashCompletion } from '../completion/bash.js';
import { describeCommand } from '../completion/command-spec.js';
import { renderFishCompletion } from '../completion/fish.js';
import { renderZshCompletion } from '../completion/zsh.js';

const SHELLS = { bash: renderBashCompletion, zsh: renderZshCompletion, fish: renderFishCompletion } as const;

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/** Registers `completion <shell>` on a program. */
export function registerCompletion(program: Command): void {
  const name = program.name();
  program
    .command('completion')
    .description(`Print the shell completion script for ${name} (e.g. source <(${name} completion bash))`)
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(Object.keys(SHELLS)))
    .action((shell: keyof typeof SHELLS, _options: unknown, command: Command) => {
      process.stdout.write(SHELLS[shell](describeCommand(rootOf(command))));
    });
}
