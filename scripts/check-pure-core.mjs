#!/usr/bin/env node
// The pure core takes the clock, randomness and the environment as inputs: it never reads them itself.
// dependency-cruiser checks imports; this checks the globals no import reveals.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const FORBIDDEN = [
  [/\bprocess\.env\b/, 'process.env (pass configuration in)'],
  [/\bDate\.now\(/, 'Date.now() (inject a clock)'],
  [/\bnew Date\(\s*\)/, 'new Date() (inject a clock)'],
  [/\bMath\.random\(/, 'Math.random() (inject randomness)'],
  [/\bprocess\.(exit|argv|cwd)\b/, 'process globals (the CLI or daemon owns them)'],
];
const isCore = (file) => !/(^|\/)(cli|daemon|cluster|host|guest)\//.test(file) && !file.endsWith('.test.ts');

const files = readdirSync('src', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => path.join(e.parentPath, e.name))
  .filter((file) => isCore(path.relative('src', file)));
const problems = [];
for (const file of files) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      for (const [pattern, what] of FORBIDDEN) {
        if (pattern.test(line)) problems.push(`${file}:${index + 1}: pure core uses ${what}`);
      }
    });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`pure core: ${files.length} files, no clock, randomness, environment or process globals`);
