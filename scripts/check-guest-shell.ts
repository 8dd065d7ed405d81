// Checks the shell that ships in images, as it ships: every script the image builder renders for a formula
// of the bundled catalogue (boot scripts, router, display, program, disks, DHCP hook) and every golden
// script under src/*/testdata (the layer build scripts among them), each with `sh -n` and shellcheck as
// POSIX sh at warning level. Part of `npm run lint`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planMicroImage } from '../src/image/index.js';
import { bundledCatalogue, REPO_ROOT } from '../test/support/catalogue.js';

const SHEBANG = '#!/bin/sh';

/** Script text → where it comes from (the first formula or golden file that renders it). */
const scripts = new Map<string, string>();

const placeholderInputs = {
  formulaHash: 'sha256:0',
  owner: 'owner',
  busybox: '/bin/busybox',
  applets: [],
  modules: [],
  node: '/usr/bin/node',
  agentBundle: '/agent.mjs',
  hostFiles: [],
};
/** The VPN an owner gives galaxy before it can be built (the catalogue ships it without one). */
const EXAMPLE_VPN = {
  endpoint: '192.0.2.1:51820',
  publicKey: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
  address: '10.99.0.2/24',
};
for (const resolved of (await bundledCatalogue()).formulas.values()) {
  if (!resolved.manifest || resolved.manifest.abstract) continue;
  const manifest = resolved.manifest.vpn?.endpoint
    ? resolved.manifest
    : { ...resolved.manifest, vpn: EXAMPLE_VPN };
  const layers = manifest.image.backend === 'debian' ? { debianLayers: 1 } : {};
  const plan = planMicroImage(manifest, { ...placeholderInputs, ...layers });
  for (const file of [...plan.initramfs, ...plan.base]) {
    if (file.kind === 'text' && file.text.startsWith(SHEBANG) && !scripts.has(file.text)) {
      scripts.set(file.text, `${manifest.node}: /${file.path}`);
    }
  }
}
for (const domain of readdirSync(path.join(REPO_ROOT, 'src'))) {
  const testdata = path.join(REPO_ROOT, 'src', domain, 'testdata');
  let names: string[];
  try {
    names = readdirSync(testdata);
  } catch {
    continue;
  }
  for (const name of names) {
    const text = readFileSync(path.join(testdata, name), 'utf8');
    if (text.startsWith(SHEBANG) && !scripts.has(text))
      scripts.set(text, `${path.relative(REPO_ROOT, testdata)}/${name}`);
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'guest-shell-'));
let failures = 0;
try {
  for (const [index, [text, origin]] of [...scripts].entries()) {
    const file = path.join(work, `${index}.sh`);
    writeFileSync(file, text);
    for (const argv of [
      ['sh', '-n', file],
      ['shellcheck', '--shell=sh', '--severity=warning', '--format=gcc', file],
    ]) {
      const run = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
      if (run.error)
        throw new Error(`cannot run ${argv[0]}: ${run.error.message} (scripts/setup.sh installs it)`);
      if (run.status !== 0) {
        failures += 1;
        console.error(`${origin}: ${argv[0]} finds:\n${(run.stdout + run.stderr).replaceAll(file, origin)}`);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures > 0) process.exit(1);
console.log(`guest shell: ${scripts.size} scripts, sh -n and shellcheck clean`);
