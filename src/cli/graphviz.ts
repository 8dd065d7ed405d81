/**
 * @module Draws DOT as SVG with Graphviz's `dot`, run with an argv array and the graph on stdin (never a
 * shell). A host without Graphviz gets `host.missing-tool` naming the package to install.
 */
import { MvError } from '../errors/index.js';
import { runCommand } from '../exec/host/index.js';

/** The SVG Graphviz draws for a DOT graph. */
export async function runGraphvizSvg(dot: string): Promise<string> {
  try {
    const { stdout } = await runCommand('dot', ['-Tsvg'], { input: new TextEncoder().encode(dot) });
    return stdout.toString('utf8');
  } catch (error) {
    if (!(error instanceof MvError && error.code === 'host.missing-tool')) throw error;
    throw new MvError('host.missing-tool', 'Drawing SVG needs Graphviz\'s "dot", which is not installed', {
      hint: 'Install it: apt-get install graphviz (scripts/setup.sh does), or use --format dot.',
      cause: error,
    });
  }
}
