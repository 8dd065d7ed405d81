/**
 * @module Reads just the kernel modules a portal needs from an unpacked kernel: finds each module's file by
 * name, reads its dependencies from the file itself, and follows them (no depmod needed, and only the few
 * files involved are read rather than all ~4000).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ModuleIndex, moduleName, parseModinfoDepends, resolveModuleOrder } from '../modules.js';

async function indexModuleFiles(modulesDir: string): Promise<Map<string, string>> {
  const entries = await readdir(path.join(modulesDir, 'kernel'), { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith('.ko'))
      files.set(moduleName(entry.name), path.join(entry.parentPath, entry.name));
  }
  return files;
}

async function readBuiltin(modulesDir: string): Promise<Set<string>> {
  const text = await readFile(path.join(modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  return new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => moduleName(path.basename(line))),
  );
}

/** The modules to load for `wanted`, in order, each with its .ko file. */
export async function resolveModuleFiles(
  modulesDir: string,
  wanted: readonly string[],
): Promise<{ name: string; source: string }[]> {
  const files = await indexModuleFiles(modulesDir);
  const builtin = await readBuiltin(modulesDir);
  const depends = new Map<string, string[]>();
  const queue = wanted.map(moduleName);
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const file = files.get(name);
    if (depends.has(name) || builtin.has(name) || !file) continue;
    const deps = parseModinfoDepends(await readFile(file));
    depends.set(name, deps);
    queue.push(...deps);
  }
  const index: ModuleIndex = { depends, builtin };
  return resolveModuleOrder(wanted, index).map((name) => ({ name, source: files.get(name) as string }));
}
