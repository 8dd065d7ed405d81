/**
 * @module The privileged entry point, run as its own process (the CLI starts it, never imports it):
 * `run` is the daemon, one per host, supervising every portal; `install-kernel` puts the Debian generic
 * kernel into the image store. Everything that touches QEMU, images or the host's network happens here.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { openAnchoredLog } from '../audit/host/index.js';
import { archiveOverrideFrom } from '../debian/index.js';
import { asMvError, exitCodeOf, formatErrorText, MvError } from '../errors/index.js';
import { closeInheritedDescriptors } from '../exec/host/index.js';
import { installKernel } from '../image/host/index.js';
import { agentBundlePath, packageRoot } from '../install/host/index.js';
import { accountsInPortalRange, DEFAULT_DIRS, PORTAL_UIDS, socketPathIn } from '../instance/index.js';
import { RateLimiter } from '../policy/index.js';
import { lookupUser, QEMU_USER, readCpuFacts } from '../probe/host/index.js';
import { chooseAccelerator, FALLBACK_TSC_KHZ, tscKhzOf } from '../probe/index.js';
import { encodeBase64Url } from '../scramble/index.js';
import type { DaemonConfig } from './config.js';
import { Authorizer } from './door/authorizer.js';
import { formulaTargets } from './door/call-targets.js';
import { installDefaultPolicy } from './door/default-policy-file.js';
import { readOrCreateHostId, readOrCreateHostKey, registerOwner } from './door/host-identity.js';
import { readHostTrust } from './door/host-trust-files.js';
import { isListening, serve } from './door/server.js';
import { handleSignedCall } from './door/signed-call.js';
import { readFormulaTreeInfo } from './formula-tree.js';
import { buildHandlers } from './handlers.js';
import { ImageCatalog } from './images/image-catalog.js';
import { ImageTrust } from './images/image-trust.js';
import { ImageBuilder } from './images/images.js';
import { adoptPortals } from './portals/adopt.js';
import { releaseOrphanDevices } from './portals/host-devices.js';
import { PortalManager } from './portals/portal-manager.js';
import { mountEveryShareImage } from './portals/share-image.js';
import { AuditAnchorState } from './state/audit-anchor-state.js';
import { ImageState } from './state/image-state.js';
import { PortalStore } from './state/portal-store.js';
import { ReplayStore, systemMonotonicClock } from './state/replay-store.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function log(line: string): void {
  process.stderr.write(`portalgun-daemon ${new Date().toISOString()} ${line}\n`);
}

/**
 * QEMU opens its taps through /dev/net/tun as the unprivileged account, so that group needs the device
 * (mode 0660, group multiverse-qemu: narrower than the usual 0666).
 */
function grantTun(gid: number): void {
  const tun = '/dev/net/tun';
  if (!existsSync(tun)) return;
  const info = statSync(tun);
  if (info.gid === gid && (info.mode & 0o060) === 0o060) return;
  if ((info.mode & 0o006) === 0o006) return;
  chownSync(tun, 0, gid);
  chmodSync(tun, 0o660);
  log(`${tun}: group ${QEMU_USER} may now open it (mode 0660)`);
}

/** QEMU runs as an unprivileged account: every folder above its files must let others pass through. */
function assertTraversable(dir: string): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new MvError(
        'host.missing-user',
        `${QEMU_USER} cannot reach ${dir}: ${current} is not traversable by other users`,
        {
          hint: `chmod o+x ${current}, or keep portalgun's folders elsewhere (--state, --run).`,
        },
      );
    }
    if (current === path.dirname(current)) return;
  }
}

async function buildConfig(dirs: { state: string; run: string; formulas?: string }): Promise<DaemonConfig> {
  if (process.getuid?.() !== 0) {
    throw new MvError('host.not-root', 'The portalgun daemon must run as root', {
      hint: 'It starts each QEMU jailed as an unprivileged uid of its portal and manages host networking; run it with sudo.',
    });
  }
  const owner = await lookupUser(QEMU_USER);
  if (!owner) {
    throw new MvError('host.missing-user', `The account "${QEMU_USER}" that QEMU runs as does not exist`, {
      hint: 'Run scripts/setup.sh, or: useradd --system --no-create-home --shell /usr/sbin/nologin multiverse-qemu',
    });
  }
  const clashing = accountsInPortalRange(readFileSync('/etc/passwd', 'utf8'));
  if (clashing.length > 0) {
    throw new MvError(
      'host.uid-clash',
      `The accounts ${clashing.join(', ')} have uids portalgun keeps for portals (${PORTAL_UIDS.first} to ${PORTAL_UIDS.first + PORTAL_UIDS.count - 1})`,
      { hint: 'A portal would share that uid and its files; give those accounts other uids.' },
    );
  }
  const facts = await readCpuFacts();
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  mkdirSync(dirs.state, { recursive: true, mode: 0o755 });
  return {
    version,
    hostId: readOrCreateHostId(dirs.state),
    hostKey: readOrCreateHostKey(dirs.state),
    stateRoot: dirs.state,
    runRoot: dirs.run,
    socketPath: socketPathIn(dirs.run),
    // Absolute, so a CLI in another working directory reads the same tree (system.version reports it).
    formulasDir: path.resolve(dirs.formulas ?? process.env.PORTALGUN_FORMULAS ?? path.join(root, 'formulas')),
    agentBundle: agentBundlePath(),
    qemuBinary: 'qemu-system-x86_64',
    owner,
    accel: chooseAccelerator(facts),
    tscKhz: tscKhzOf(facts) ?? FALLBACK_TSC_KHZ,
    debianOverride: archiveOverrideFrom(process.env),
    bootDeadlineMs: 120_000,
    clock: () => Date.now(),
    log,
  };
}

/** Which folders the daemon runs on, and whether it first archives a broken audit log. */
interface RunOptions {
  readonly state: string;
  readonly run: string;
  readonly formulas?: string;
  readonly resetAudit?: boolean;
}

/**
 * The audit log, verified against this host's key and the last checkpoint kept in SQLite (or, with
 * `--reset-audit`, archived and started anew, the reset its first entry).
 */
async function openAudit(config: DaemonConfig, store: PortalStore, reset: boolean) {
  const { log: audit, archived } = await openAnchoredLog(path.join(config.stateRoot, 'audit.log'), {
    signer: { hostId: config.hostId, key: readOrCreateHostKey(config.stateRoot) },
    clock: config.clock,
    anchor: new AuditAnchorState(store.db),
    reset,
  });
  if (archived !== undefined) {
    log(
      `audit log archived as ${archived.file} (head ${archived.head} at entry ${archived.entries}); a new chain starts with the reset`,
    );
  }
  return audit;
}

async function runDaemon(dirs: RunOptions): Promise<void> {
  const leaked = closeInheritedDescriptors();
  if (leaked.length > 0) {
    log(`closed descriptors ${leaked.join(', ')}, inherited without close-on-exec: no QEMU gets them`);
  }
  const config = await buildConfig(dirs);
  if (!existsSync(config.agentBundle)) {
    throw new MvError('host.missing-tool', `The guest agent bundle ${config.agentBundle} is missing`, {
      hint: 'Run npm run build.',
    });
  }
  for (const dir of [config.stateRoot, config.runRoot, path.join(config.runRoot, 'portals')])
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const dir of [config.stateRoot, config.runRoot]) assertTraversable(dir);
  grantTun(config.owner.gid);
  if (await isListening(config.socketPath)) {
    throw new MvError('daemon.running', `A portalgun daemon is already listening on ${config.socketPath}`, {
      hint: 'One daemon per host: use the running one.',
    });
  }
  const store = new PortalStore(path.join(config.stateRoot, 'portalgun.db'));
  // Before anything else acts: a daemon whose log fails its checks does not start (audit.broken).
  const audit = await openAudit(config, store, dirs.resetAudit === true);
  const imageState = new ImageState(store.db);
  const trust = new ImageTrust(config, imageState);
  const builder = new ImageBuilder(config);
  const manager = new PortalManager(config, store, {
    builder,
    images: trust,
    read: () => readHostTrust(config),
  });
  const adopted = await adoptPortals(config, store, manager);
  await releaseOrphanDevices(config, store);
  // After a reboot the shares' files are back where the owner looks; mounts left over are found as they are.
  await mountEveryShareImage(config, log);
  if (installDefaultPolicy(config.stateRoot) === 'kept-edited') {
    log(
      'policy.d/90-default.policy was edited, so this version did not update it: verbs it does not mention stay denied (compare it with docs/policy.md, or delete it to get the current default)',
    );
  }
  const catalog = new ImageCatalog({ config, trust, state: imageState, portals: store });
  const handlers = buildHandlers(config, {
    store,
    manager,
    images: { config, trust, state: imageState, catalog, builder },
    audit,
  });
  const signedDeps = {
    readTrust: () => readHostTrust(config),
    clock: config.clock,
    replay: new ReplayStore(store.db, systemMonotonicClock()),
    hostKey: config.hostKey,
    authorizer: new Authorizer(
      { clock: config.clock },
      audit,
      new RateLimiter({ now: () => performance.now() }),
    ),
    handlers,
    resolveTargets: formulaTargets({
      formulasDir: config.formulasDir,
      freeName: (base) => manager.freeName(base),
    }),
    log,
  };
  const server = serve(
    config.socketPath,
    {
      probe: () => handlers['system.version']({}, undefined as never),
      signedCall: (envelope, context) => handleSignedCall(envelope, signedDeps, context),
    },
    log,
  );
  log(
    `listening on ${config.socketPath} (accel ${config.accel.accel}: ${config.accel.reason}; re-adopted ${adopted.length})`,
  );
  const tree = await readFormulaTreeInfo(config.formulasDir);
  log(
    `formula tree ${tree.dir} (${tree.digest ?? 'cannot be read: every request that needs it will say why'})`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    // A second signal while the last checkpoint is written must not close the state under it.
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the daemon; portals keep running and are re-adopted on restart`);
    server.close();
    manager.detachAll();
    // The last checkpoint signs every decision made; a failure to write it is told, not hidden.
    await audit.close().catch((error: unknown) => log(`audit log: ${asMvError(error).message}`));
    store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('portalgun-daemon').exitOverride();
  const dirOptions = (command: Command) =>
    command
      .option('--state <dir>', 'state folder', process.env.PORTALGUN_STATE ?? DEFAULT_DIRS.stateRoot)
      .option(
        '--run <dir>',
        'run folder (sockets, running portals)',
        process.env.PORTALGUN_RUN ?? DEFAULT_DIRS.runRoot,
      );
  dirOptions(
    program
      .command('run')
      .description('run the daemon')
      .option('--formulas <dir>', 'formula tree (default: $PORTALGUN_FORMULAS or the bundled tree)')
      .option('--reset-audit', 'archive an audit log that fails its checks and start a new chain'),
  ).action((options: RunOptions) => runDaemon(options));
  dirOptions(program.command('install-kernel').option('--force', 'reinstall')).action(
    async (options: { state: string; force?: boolean }) => {
      const info = await installKernel(options.state, {
        force: options.force === true,
        log: (line) => process.stderr.write(`kernel: ${line}\n`),
      });
      process.stdout.write(`${JSON.stringify(info)}\n`);
    },
  );
  dirOptions(program.command('register-owner').option('--force', 'replace a different owner')).action(
    async (options: { state: string; force?: boolean }) => {
      const request = JSON.parse(await readStdin()) as { scrambleId: string; encryptionCertificate: unknown };
      const owner = registerOwner(options.state, request, { force: options.force === true, now: Date.now() });
      // The host key as read here, as root: what `portalgun init` pins (trust on first use).
      const hostKey = readOrCreateHostKey(options.state);
      process.stdout.write(
        `${JSON.stringify({
          owner: owner.scrambleId,
          hostId: readOrCreateHostId(options.state),
          hostKey: { publicKey: encodeBase64Url(hostKey.publicKey), fingerprint: hostKey.fingerprint },
        })}\n`,
      );
    },
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const failure =
      error instanceof MvError
        ? error
        : new MvError(
            'internal.bug',
            `Unexpected failure: ${error instanceof Error ? error.message : String(error)} (please report)`,
          );
    process.stderr.write(`${formatErrorText(failure)}\n`);
    return exitCodeOf(failure.code);
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
