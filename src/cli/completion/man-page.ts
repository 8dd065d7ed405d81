/**
 * @module A man page (roff, section 1) for a CLI, rendered from its command tree: name, synopsis, the root's
 * options, then every command with its usage, description, arguments and options, then sections the
 * caller adds (exit status, environment, files). No date in it, so a build is reproducible.
 * Pure: returns the page's text.
 */
import { type CommandSpec, walkCommands } from './command-spec.js';

/** A section the command tree does not know: a title and its terms. */
export interface ManSection {
  readonly title: string;
  readonly paragraph?: string;
  readonly entries: readonly { readonly term: string; readonly text: string }[];
}

/** Roff text: backslashes and hyphens escaped, and no line starting with a control character. */
function roff(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function optionTerm(flags: readonly string[], value: string | undefined): string {
  const spelled = flags.map((flag) => `\\fB${roff(flag)}\\fR`).join(', ');
  return value ? `${spelled} \\fI${roff(value)}\\fR` : spelled;
}

function commandSection(root: CommandSpec, path: readonly string[], spec: CommandSpec): string[] {
  const names = [spec.name, ...spec.aliases].join('|');
  const title = [root.name, ...path.slice(0, -1), names, spec.usage].filter(Boolean).join(' ');
  const lines = ['.TP', `.B ${roff(title)}`, roff(spec.description)];
  for (const argument of spec.arguments) {
    if (argument.description)
      lines.push('.RS', '.TP', `\\fI${roff(argument.name)}\\fR`, roff(argument.description), '.RE');
  }
  for (const option of spec.options.filter((o) => !o.flags.includes('--help'))) {
    lines.push('.RS', '.TP', optionTerm(option.flags, option.value?.name), roff(option.description), '.RE');
  }
  return lines;
}

/** The page for `root`, with `version` in its footer and the caller's extra sections at the end. */
export function renderManPage(
  root: CommandSpec,
  options: { version: string; manual: string; sections?: readonly ManSection[] },
): string {
  const commands = walkCommands(root).filter(({ path, spec }) => path.length > 0 && spec.name !== 'help');
  const lines = [
    `.\\" Generated from the ${root.name} command tree at build time; do not edit.`,
    `.TH ${root.name.toUpperCase()} 1 "" "${root.name} ${options.version}" "${options.manual}"`,
    '.SH NAME',
    `${root.name} \\- ${roff(root.description.split('\n')[0] ?? '')}`,
    '.SH SYNOPSIS',
    `.B ${root.name}`,
    roff(root.usage),
    '.SH OPTIONS',
    ...root.options.flatMap((option) => [
      '.TP',
      optionTerm(option.flags, option.value?.name),
      roff(option.description),
    ]),
    '.SH COMMANDS',
    ...commands.flatMap(({ path, spec }) => commandSection(root, path, spec)),
  ];
  for (const section of options.sections ?? []) {
    lines.push(`.SH ${roff(section.title.toUpperCase())}`);
    if (section.paragraph) lines.push(roff(section.paragraph));
    for (const entry of section.entries) lines.push('.TP', `.B ${roff(entry.term)}`, roff(entry.text));
  }
  return `${lines.join('\n')}\n`;
}
