#!/usr/bin/env node
// Writes the man pages dist/man/portalgun.1 and dist/man/scramble.1 (roff), and every --help page
// (dist/cli/help.json, printed by src/cli/start.ts without loading the tree), from the compiled CLIs' command
// trees, as the last step of `npm run build`: they list exactly the commands, aliases and options the
// build has, so they cannot go stale and are not kept in git. package.json's "man" field installs the man
// pages; `man -l dist/man/portalgun.1` reads one from a checkout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => path.join(root, 'dist/src/cli', file);
const { buildProgram } = await import(dist('program.js'));
const { buildScrambleProgram } = await import(dist('scramble/program.js'));
const { describeCommand } = await import(dist('completion/command-spec.js'));
const { renderManPage } = await import(dist('completion/man-page.js'));
const { PORTALGUN_SECTIONS, SCRAMBLE_SECTIONS } = await import(dist('completion/man-sections.js'));
const { renderHelpPages } = await import(dist('help-pages.js'));

const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pages = [
  ['portalgun', buildProgram(version), PORTALGUN_SECTIONS],
  ['scramble', buildScrambleProgram(version), SCRAMBLE_SECTIONS],
];
mkdirSync(path.join(root, 'dist/man'), { recursive: true });
for (const [name, program, sections] of pages) {
  const page = renderManPage(describeCommand(program), { version, manual: 'Multiverse', sections });
  writeFileSync(path.join(root, 'dist/man', `${name}.1`), page);
}
const helpPages = Object.fromEntries(
  pages.map(([name]) => {
    const program = name === 'portalgun' ? buildProgram(version) : buildScrambleProgram(version);
    return [name, renderHelpPages(program)];
  }),
);
writeFileSync(path.join(root, 'dist/cli/help.json'), `${JSON.stringify(helpPages)}\n`);
console.log(`wrote dist/man/portalgun.1 and dist/man/scramble.1 (${version}), and dist/cli/help.json`);
