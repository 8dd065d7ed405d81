/**
 * @module The command tree of a CLI as plain data, read from its commander objects (what `--help` shows):
 * names and aliases, descriptions, options with their values and choices, arguments, subcommands. Shell
 * completion and the man pages are rendered from it, so they list exactly the commands that exist.
 * Reads the Command objects only: no I/O.
 */
import { type Argument, type Command, Help, type Option } from 'commander';

/** An option: its spellings, what it is for, and the value it takes, if any. */
export interface OptionSpec {
  /** Every spelling, short first: `['-f', '--follow']`. */
  readonly flags: readonly string[];
  readonly description: string;
  readonly value?: { readonly name: string; readonly choices?: readonly string[] };
}

/** A positional argument. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly choices?: readonly string[];
}

/** One command and everything below it. */
export interface CommandSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  /** The usage line without the program path, e.g. `[options] <node>`. */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  readonly arguments: readonly ArgumentSpec[];
  readonly commands: readonly CommandSpec[];
}

const help = new Help();

function optionSpec(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  const valueName = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  const takesValue = option.required || option.optional;
  return {
    flags,
    // As --help shows it: with its choices and default.
    description: help.optionDescription(option),
    ...(takesValue
      ? {
          value: { name: valueName ?? 'value', ...(option.argChoices ? { choices: option.argChoices } : {}) },
        }
      : {}),
  };
}

function argumentSpec(argument: Argument): ArgumentSpec {
  return {
    name: argument.name(),
    description: help.argumentDescription(argument),
    required: argument.required,
    variadic: argument.variadic,
    ...(argument.argChoices ? { choices: argument.argChoices } : {}),
  };
}

/** The spec of `command` and its subcommands (the implicit `help` command included, as in --help). */
export function describeCommand(command: Command): CommandSpec {
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: help.commandDescription(command),
    usage: command.usage(),
    options: help.visibleOptions(command).map(optionSpec),
    arguments: help.visibleArguments(command).map(argumentSpec),
    commands: help.visibleCommands(command).map(describeCommand),
  };
}

/** Every command with its path below the root (`[]` for the root, `['image', 'build']`), depth first. */
export function walkCommands(root: CommandSpec): { path: readonly string[]; spec: CommandSpec }[] {
  const found: { path: readonly string[]; spec: CommandSpec }[] = [];
  const visit = (spec: CommandSpec, path: readonly string[]) => {
    found.push({ path, spec });
    for (const child of spec.commands) visit(child, [...path, child.name]);
  };
  visit(root, []);
  return found;
}

/** Options that take a value, anywhere in the tree (their next word is never a command). */
export function valuedFlags(root: CommandSpec): string[] {
  const flags = walkCommands(root).flatMap(({ spec }) =>
    spec.options.filter((option) => option.value !== undefined).flatMap((option) => option.flags),
  );
  return [...new Set(flags)].sort();
}

/** The root's options a subcommand accepts too (commander reads them anywhere): all but --help and --version. */
export function inheritedOptions(root: CommandSpec): OptionSpec[] {
  return root.options.filter((o) => !o.flags.includes('--help') && !o.flags.includes('--version'));
}
