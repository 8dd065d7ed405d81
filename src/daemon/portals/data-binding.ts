/**
 * @module Which formula a portal name's data belongs to: the share and volumes kept under a name are bound
 * to the formula node that made them, in a root-only file (`<state>/bindings/<name>.json`), so another
 * formula started under a reused name never gets the old wallet or documents unless the owner says so
 * (`adoptData`, `portalgun up --adopt-data`). Data made before bindings existed is bound to the node of the
 * name's record, or to the first formula started under it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/host/index.js';
import { shareFoldersOf } from '../../instance/index.js';

const BINDING = z.strictObject({ node: z.string() });

/** Where a name's binding is kept. */
function bindingFile(stateRoot: string, name: string): string {
  return path.join(stateRoot, 'bindings', `${name}.json`);
}

/** Whether anything is kept under a name: its share (folder, image, read-only subfolders) or its volumes. */
function hasData(stateRoot: string, name: string): boolean {
  const share = shareFoldersOf({ stateRoot, runRoot: '' }, name);
  return [
    share.shareDir,
    share.shareImage,
    share.shareReadOnlyDir,
    path.join(stateRoot, 'volumes', name),
  ].some((place) => existsSync(place));
}

/** Named in place of a formula when a binding cannot be read: the data then belongs to no one who asks. */
const UNREADABLE = 'an unknown formula (its binding file cannot be read)';

async function readBinding(stateRoot: string, name: string): Promise<string | undefined> {
  const text = await readFile(bindingFile(stateRoot, name), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return UNREADABLE;
  }
  const parsed = BINDING.safeParse(json);
  return parsed.success ? parsed.data.node : UNREADABLE;
}

/**
 * Lets `node` start under `name`, or refuses (`portal.data-mismatch`) when the name's data belongs to another
 * formula and the owner did not pass `adoptData`; binds the name's data to `node` when it may.
 */
export async function bindPortalData(
  stateRoot: string,
  request: { name: string; node: string; adoptData: boolean; recordNode: string | undefined },
): Promise<{ adopted: string | null }> {
  const { name, node } = request;
  const bound = (await readBinding(stateRoot, name)) ?? request.recordNode;
  const other = bound !== undefined && bound !== node && hasData(stateRoot, name) ? bound : null;
  if (other !== null && !request.adoptData) {
    throw new MvError(
      'portal.data-mismatch',
      `The share and volumes kept under "${name}" belong to ${other}, not ${node}`,
      { hint: `Start ${node} under another --name, or pass --adopt-data to give it ${other}'s data.` },
    );
  }
  await mkdir(path.dirname(bindingFile(stateRoot, name)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(bindingFile(stateRoot, name), `${JSON.stringify({ node })}\n`, 0o600);
  return { adopted: other };
}
