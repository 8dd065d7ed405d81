/**
 * @module The claim files of the running portals, one `<portal>.json` per portal holding devices, in a
 * root-only folder of the run root (gone at reboot, like the bindings). They outlive a daemon restart, so
 * the next daemon gives back what the last one took, and they say which devices are taken.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../files/host/index.js';
import { type PassthroughClaim, parseClaim } from '../index.js';

/** The claims folder under a run root. */
export function claimsDirOf(runRoot: string): string {
  return path.join(runRoot, 'passthrough');
}

function fileOf(dir: string, portal: string): string {
  return path.join(dir, `${portal}.json`);
}

/** Records what a portal holds (replacing an older record). */
export async function saveClaim(dir: string, claim: PassthroughClaim): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(fileOf(dir, claim.portal), `${JSON.stringify(claim, null, 2)}\n`, 0o600);
}

/** What a portal holds, or null if it holds nothing. */
export async function readClaim(dir: string, portal: string): Promise<PassthroughClaim | null> {
  const file = fileOf(dir, portal);
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null ? null : parseClaim(text, file);
}

/** Every claim, of every portal; a damaged file stops the caller (what it holds is unknown). */
export async function readClaims(dir: string): Promise<PassthroughClaim[]> {
  const names = await readdir(dir).catch(() => []);
  const files = names.filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (name) => parseClaim(await readFile(path.join(dir, name), 'utf8'), name)),
  );
}

/** Forgets a portal's claim (after everything was given back). */
export async function removeClaim(dir: string, portal: string): Promise<void> {
  await rm(fileOf(dir, portal), { force: true });
}
