/**
 * Writes the generated documents: docs/formula.md (formula reference) and docs/formula.schema.json (JSON
 * Schema for editors), both from the formula field table. With --check, fails if either is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { prettyJson } from '../src/digest/index.js';
import { renderFormulaJsonSchema, renderFormulaReference } from '../src/formula/index.js';

const outputs: Record<string, string> = {
  'docs/formula.md': renderFormulaReference(),
  'docs/formula.schema.json': prettyJson(renderFormulaJsonSchema()),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, text] of Object.entries(outputs)) {
  if (!check) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current !== text) {
    console.error(`${file} is out of date: run "npm run docs"`);
    stale++;
  }
}
if (check && stale === 0) console.log('generated docs are up to date');
process.exitCode = stale === 0 ? 0 : 1;
