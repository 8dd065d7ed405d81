/**
 * @module Reads a formula tree from disk: every `formula.yaml` below the root, with its node path (the
 * folder path under the root) and a display name relative to the working directory (absolute when outside it). Reads only.
 * A tree without any formula is refused (bad input), and so is a file too big to be one, before it is read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { limitDiagnostic, sizeProblem } from '../_yaml-limits.js';
import type { FormulaSource } from '../parse.js';

/** The file name every formula node uses. */
export const FORMULA_FILE = 'formula.yaml';

/** Reads every formula file under `root`. */
export async function readFormulaTree(
  root: string,
  options: { cwd?: string } = {},
): Promise<FormulaSource[]> {
  const cwd = options.cwd ?? process.cwd();
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MvError('formula.tree-not-found', `Formula tree "${root}" is not a directory`, {
      hint: 'Pass the folder that holds application/, controller/ and service/ (for example ./formulas).',
    });
  }
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name === FORMULA_FILE)
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  if (files.length === 0) {
    throw new MvError('formula.empty-tree', `Formula tree "${root}" holds no ${FORMULA_FILE}`, {
      hint: 'Pass the folder that holds application/, controller/ and service/, each node with its formula.yaml.',
    });
  }
  return Promise.all(
    files.map(async (file) => {
      const shown = shownPath(file, cwd);
      await refuseHuge(file, shown);
      const text = await readFile(file, 'utf8').catch((cause: unknown) => {
        throw new MvError('formula.read-failed', `Cannot read formula file "${file}"`, {
          hint: 'Check the file exists and is readable.',
          cause,
        });
      });
      const node = path.relative(root, path.dirname(file)).split(path.sep).join('/');
      return { node, file: shown, text };
    }),
  );
}

/** A file's name as shown to people: relative to `cwd` when inside it, else absolute. */
export function shownPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') ? file : relative;
}

/** A file too big to be a formula is refused before it is read (parseFormula checks the text again). */
async function refuseHuge(file: string, shown: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  const problem = info ? sizeProblem(info.size) : undefined;
  if (problem === undefined) return;
  const diagnostic = limitDiagnostic(shown, problem);
  throw new MvError(diagnostic.code, problem, {
    where: diagnostic.where,
    diagnostics: [diagnostic],
    ...(diagnostic.hint ? { hint: diagnostic.hint } : {}),
  });
}
