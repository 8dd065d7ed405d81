/**
 * @module `portalgun net ls | show <net> | graph`: the portal networks as the formulas define them, with
 * what the daemon says runs on them when it can be asked (a stopped daemon is shown, not an error), and
 * the router chain drawn as text, DOT or SVG.
 */
import { type Command, Option } from 'commander';
import { writeJson, writeText } from '../output.js';
import { type GlobalOptions, globalOptions } from './global-options.js';

const GRAPH_FORMATS = ['text', 'dot', 'svg'] as const;

async function manifestsFor(global: GlobalOptions) {
  const { manifestsOf } = await import('../../formula/index.js');
  const { loadTreeInUse } = await import('../tree-in-use.js');
  return manifestsOf((await loadTreeInUse(global)).catalogue);
}

/** Registers the `net` group: `ls`, `show` and `graph`. */
export function registerNet(program: Command): void {
  const net = program
    .command('net')
    .description('The portal networks: ranges, routers, members and the router chain');

  net
    .command('ls')
    .description('List the portal networks: range, router formula, whether it runs, running members')
    .action(async (_options: unknown, command: Command) => {
      const { daemonSocketPath } = await import('../daemon-client.js');
      const { noteMissingDaemon, readLiveState } = await import('../live-state.js');
      const { planNetworkList, renderNetworkTable } = await import('../net/network-table.js');
      const { planNetworkViews } = await import('../net/network-view.js');
      const global = globalOptions(command);
      const views = planNetworkViews(await manifestsFor(global));
      const socket = daemonSocketPath(global.run);
      const live = await readLiveState(socket);
      const list = planNetworkList(views, live, socket);
      if (global.json) return writeJson(list);
      noteMissingDaemon(live);
      writeText(renderNetworkTable(list));
    });

  net
    .command('show')
    .description('Show one network: range, router, upstream, bridge, member formulas, running portals')
    .argument('<net>', 'network name (universe, galaxy, star, app)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { daemonRunDir, daemonSocketPath } = await import('../daemon-client.js');
      const { noteMissingDaemon, readLiveState } = await import('../live-state.js');
      const { planNetworkDetail, renderNetworkDetail } = await import('../net/network-detail.js');
      const { parseNetworkName, planNetworkView } = await import('../net/network-view.js');
      const global = globalOptions(command);
      const network = parseNetworkName(name);
      const view = planNetworkView(await manifestsFor(global), network);
      const place = { runDir: daemonRunDir(global.run), socket: daemonSocketPath(global.run) };
      const live = await readLiveState(place.socket);
      const detail = planNetworkDetail(view, live, place);
      if (global.json) return writeJson(detail);
      noteMissingDaemon(live);
      writeText(renderNetworkDetail(detail));
    });

  net
    .command('graph')
    .description('Draw the router chain: an ASCII tree, Graphviz DOT, or SVG (needs graphviz)')
    .addOption(new Option('--format <format>', 'how to draw it').choices(GRAPH_FORMATS).default('text'))
    .action(async (options: { format: (typeof GRAPH_FORMATS)[number] }, command: Command) => {
      const { renderChainDot, renderChainText } = await import('../../net/index.js');
      const { runGraphvizSvg } = await import('../graphviz.js');
      const global = globalOptions(command);
      const manifests = await manifestsFor(global);
      const drawn =
        options.format === 'text'
          ? renderChainText(manifests)
          : options.format === 'dot'
            ? renderChainDot(manifests)
            : await runGraphvizSvg(renderChainDot(manifests));
      if (global.json) return writeJson({ format: options.format, text: drawn });
      writeText(drawn);
    });

  for (const command of [...net.commands, net]) command.exitOverride();
}
