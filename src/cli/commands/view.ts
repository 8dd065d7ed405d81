/**
 * @module `portalgun view <portal>`: a graphical portal's display. Opens `remote-viewer` on the display's
 * unix socket when it is installed (and `--print` was not given); otherwise prints how to connect.
 * `portalgun screenshot <portal>` saves what the display shows as a PNG.
 */
import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

const VIEWER = 'remote-viewer';

/** The viewer's absolute path if it is on PATH. */
function findViewer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, VIEWER);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Registers `view`. */
export function registerView(program: Command): void {
  program
    .command('view')
    .description("Show a graphical portal's display (SPICE or VNC on a unix socket)")
    .argument('<portal>', 'portal name')
    .option('--print', 'only print how to connect, even when remote-viewer is installed')
    .action(async (name: string, options: { print?: boolean }, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderViewHelp, viewerUri } = await import('../render/display.js');
      const global = globalOptions(command);
      const { portal } = await callDaemon(
        'portal.status',
        { name },
        { socketPath: daemonSocketPath(global.run) },
      );
      const { display } = portal;
      if (!display) {
        throw new MvError('portal.no-display', `Portal ${name} has no display`, {
          hint: 'Only formulas with devices.display set to spice or vnc (q35 machines) have one.',
        });
      }
      if (portal.state !== 'ready') {
        throw new MvError('portal.wrong-state', `Portal ${name} is ${portal.state}: its display is not up`, {
          hint: `Start it first: portalgun up ${portal.node} --name ${name}`,
        });
      }
      if (global.json) return writeJson({ ...display, uri: viewerUri(display) });
      const viewer = options.print ? undefined : findViewer();
      if (!viewer) return writeText(renderViewHelp(name, display));
      const { spawn } = await import('node:child_process');
      const child = spawn(viewer, [viewerUri(display)], { stdio: 'inherit' });
      process.exitCode = await new Promise<number>((resolve, reject) => {
        child.once('error', (error) =>
          reject(
            new MvError('host.command-failed', `Cannot start ${viewer}: ${error.message}`, {
              hint: `Connect by hand: remote-viewer ${viewerUri(display)} (or portalgun view ${name} --print).`,
            }),
          ),
        );
        child.once('exit', (code) => resolve(code ?? 1));
      });
    });

  program
    .command('screenshot')
    .description("Save what a graphical portal's display shows as a PNG file")
    .argument('<portal>', 'portal name')
    .option('-o, --output <file>', 'where to write it (default: <portal>.png)')
    .action(async (name: string, options: { output?: string }, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const shot = await callDaemon(
        'portal.screenshot',
        { name },
        { socketPath: daemonSocketPath(global.run) },
      );
      const file = options.output ?? `${name}.png`;
      const bytes = Buffer.from(shot.data, 'base64');
      writeFileSync(file, bytes);
      if (global.json) return writeJson({ file: path.resolve(file), bytes: bytes.length });
      writeText(`${name}: screenshot written to ${file} (${bytes.length} bytes)`);
    });
}
