import { MvError } from '../../errors/index.js';
import type { NetworkName } from '../../formula/index.js';
import { findFormula, requireStartable } from '../../formula/index.js';
import type { ImageManifest, ImageRecord } from '../../image/index.js';
import { allocatePortalUid } from '../../instance/index.js';
import { deleteNamespace } from '../../net/host/index.js';
import { namespaceName } from '../../net/index.js';
import {
  bootImageOfRecord,
  type PortalPlan,
  planOfInstance,
  planPortal,
  portsOfInstance,
} from '../../plan/index.js';
import { isActivePortal, type PortalSummary } from '../../protocol/index.js';
import { readValidCatalogue } from '../catalogue.js';
import type { DaemonConfig } from '../config.js';
import type { HostTrust } from '../door/host-trust.js';
import type { ImageTrust } from '../images/image-trust.js';
import type { ImageBuilder } from '../images/images.js';
import type { PortalRecord, PortalStore } from '../state/portal-store.js';
import { accountOf } from './account.js';
import { bindPortalData } from './data-binding.js';
import { claimHostDevices, releaseHostDevices } from './host-devices.js';
import { rotateConsoleLog } from './log-folder.js';
import { PortalMonitor } from './monitor.js';
import { PortalAgents } from './portal-agent.js';
import { cleanupRunDir, preparePortalFiles } from './portal-files.js';
import { launchPortalQemu } from './portal-launch.js';
import { requireAllowed } from './portal-lifecycle.js';
import { applyPortRules, attachNetwork, detachNetwork, isNetworked } from './portal-network.js';
import { type PortalResources, readPortalResources } from './portal-resources.js';
import { takeScreenshot } from './portal-screenshot.js';
import { startPortalTpm } from './portal-tpm.js';
import { Restarter } from './restarter.js';
import { Reverter } from './reverter.js';
import { awaitBoot } from './status-watch.js';
import { stopQemu } from './stop-portal.js';
import { summarize } from './summary.js';
import { requireUpstreamReady } from './upstream.js';
import {
  placeVcpus,
  readVcpus,
  requireOnlineCpus,
  type VcpuPlacement,
  wantsPlacement,
} from './vcpu-tuning.js';

/** What a long request can do besides returning: report progress, and notice the caller leaving. */
export interface RequestContext {
  readonly progress: (message: string) => void;
  readonly signal: AbortSignal;
}

/** A start also carries the host trust its image is judged under (the request's, when there is one). */
export interface StartContext extends RequestContext {
  readonly trust: HostTrust;
}

/** What the manager builds and checks images with. */
export interface ManagerImages {
  readonly builder: ImageBuilder;
  readonly images: ImageTrust;
  /** Reads the host's trust for a restart, which no request carries. */
  readonly read: () => HostTrust;
}

/** How often console logs are checked for rotation. */
const LOG_ROTATION_MS = 2_000;

/** Runs and supervises portals. */
export class PortalManager {
  /** The open connections to the portals' agents: requests go through them, stopping releases them. */
  readonly agents = new PortalAgents();
  private readonly monitors = new Map<string, PortalMonitor>();
  private readonly busy = new Set<string>();
  /** The portal accounts of portals being started, whose records are not written yet. */
  private readonly reservedUids = new Map<string, number>();
  private readonly restarter: Restarter;
  private readonly logRotation = setInterval(() => void this.rotateLogs(), LOG_ROTATION_MS).unref();

  constructor(
    private readonly config: DaemonConfig,
    private readonly store: PortalStore,
    private readonly trust: ManagerImages,
  ) {
    this.restarter = new Restarter({
      store,
      clock: config.clock,
      log: config.log,
      start: (record) => this.startAgain(record),
    });
  }

  /** Every portal as the API reports it. */
  list(): PortalSummary[] {
    return this.store.list().map((record) => summarize(record, this.config.clock()));
  }

  /** One portal's record, or `portal.not-found`. */
  get(name: string): PortalRecord {
    const record = this.store.get(name);
    if (!record) {
      throw new MvError('portal.not-found', `No portal "${name}"`, {
        hint: 'Run "portalgun ps" to see the portals.',
      });
    }
    return record;
  }

  /** The summary of one portal. */
  summary(name: string): PortalSummary {
    return summarize(this.get(name), this.config.clock());
  }

  /** Starts a portal from a formula and waits until it is ready. */
  async up(
    params: { formula: string; name?: string | undefined; adoptData?: boolean | undefined },
    context: StartContext,
  ): Promise<PortalSummary> {
    const catalogue = await readValidCatalogue(this.config.formulasDir);
    const resolved = findFormula(catalogue, params.formula);
    const { manifest } = resolved;
    requireStartable(manifest);
    const manifests = [...catalogue.formulas.values()].map((f) => f.manifest);
    requireUpstreamReady(manifest, manifests, this.store.list());
    const name = params.name ?? this.freeName(manifest.name);
    this.claim(name);
    try {
      const { adopted } = await bindPortalData(this.config.stateRoot, {
        name,
        node: manifest.node,
        adoptData: params.adoptData === true,
        recordNode: this.store.get(name)?.node,
      });
      if (adopted) this.config.log(`${name}: ${manifest.node} adopts the share and volumes of ${adopted}`);
      const image = await this.trust.builder.ensure(resolved, context.progress, {
        owner: context.trust.owner().scrambleId,
      });
      const imageManifest = this.trust.images.record(image);
      context.signal.throwIfAborted();
      const plan = planPortal({
        name,
        manifest,
        image: bootImageOfRecord(this.config.stateRoot, image),
        manifests,
        dirs: this.config,
        hostId: this.config.hostId,
        accel: this.config.accel.accel,
        tscKhz: this.config.tscKhz,
        taken: this.takenAddresses(),
        uid: this.reserveUid(name),
      });
      return await this.start(name, { resolved, image, imageManifest, plan }, context);
    } finally {
      this.busy.delete(name);
      this.reservedUids.delete(name);
    }
  }

  /**
   * The portal account of `name`: the one its record holds (a stopped portal keeps it with its share and
   * volumes, until `rm`), else one no other record or start holds; held for it until its record is written.
   */
  private reserveUid(name: string): number {
    const own = this.store.get(name)?.instance.uid;
    const others = this.store.list().filter((r) => r.name !== name);
    const taken = new Set([
      ...others.flatMap((r) => (r.instance.uid === undefined ? [] : [r.instance.uid])),
      ...this.reservedUids.values(),
    ]);
    const uid = own !== undefined && !taken.has(own) ? own : allocatePortalUid(taken);
    this.reservedUids.set(name, uid);
    return uid;
  }

  /** The name `up` gives a portal of the formula named `base` when none is asked for. */
  freeName(base: string): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const existing = this.store.get(name);
      if (!this.busy.has(name) && (!existing || !isActivePortal(existing.state))) return name;
    }
  }

  private claim(name: string): void {
    const existing = this.store.get(name);
    if (this.busy.has(name) || (existing && isActivePortal(existing.state))) {
      throw new MvError(
        'portal.exists',
        `A portal named "${name}" is already ${existing?.state ?? 'starting'}`,
        {
          hint: 'Pick another name with --name, or stop it first with "portalgun down".',
        },
      );
    }
    this.busy.add(name);
  }

  private takenAddresses(): Partial<Record<NetworkName, Set<string>>> {
    const taken: Partial<Record<NetworkName, Set<string>>> = {};
    for (const record of this.store.list().filter((r) => isActivePortal(r.state))) {
      for (const nic of record.instance.nics) {
        const set = taken[nic.network] ?? new Set<string>();
        set.add(nic.address);
        taken[nic.network] = set;
      }
    }
    return taken;
  }

  private activeRecords(): PortalRecord[] {
    return this.store.list().filter((r) => isActivePortal(r.state));
  }

  /**
   * Takes a stopped or crashed portal off the networks, re-renders the port rules for the rest, and gives
   * its passed-through devices back to the host.
   */
  async releaseNetwork(record: PortalRecord): Promise<void> {
    await detachNetwork(this.config, record);
    await releaseHostDevices(this.config, record.name);
    await this.refreshNetworks(record.name);
  }

  /** After a portal left: removes the namespace if no networked portal remains, else re-renders the rules. */
  private async refreshNetworks(left: string): Promise<void> {
    if (await this.leaveNamespaceIfLast()) return;
    await applyPortRules(this.config, this.activeRecords()).catch((error: unknown) =>
      this.config.log(`port rules after ${left}: ${String(error)}`),
    );
  }

  /** When no active portal is networked any more, removes the namespace and its bridges; true if it did. */
  private async leaveNamespaceIfLast(): Promise<boolean> {
    if (this.activeRecords().some((r) => isNetworked(r.instance))) return false;
    await deleteNamespace(namespaceName(this.config.runRoot)).catch((error: unknown) =>
      this.config.log(`removing the portal namespace: ${String(error)}`),
    );
    return true;
  }

  /** Starts a portal that ended on its own again, as it was: same instance, same signed image. */
  private async startAgain(record: PortalRecord): Promise<void> {
    const imageManifest = this.trust.images.manifestOf(record.image);
    if (!imageManifest) {
      throw new MvError('image.unsigned', `The image of ${record.name} is no longer recorded on this host`, {
        hint: `Start it again with "portalgun up ${record.node} --name ${record.name}".`,
      });
    }
    this.busy.add(record.name);
    try {
      await this.start(
        record.name,
        {
          resolved: { manifest: record.manifest, hash: record.formulaHash },
          image: record.image,
          imageManifest,
          plan: planOfInstance(this.config, record.manifest, record.instance),
          restarts: record.restarts,
        },
        {
          progress: (message) => this.config.log(`${record.name}: ${message}`),
          signal: new AbortController().signal,
          trust: this.trust.read(),
        },
      );
    } finally {
      this.busy.delete(record.name);
    }
  }

  private async start(
    name: string,
    {
      resolved,
      image,
      imageManifest,
      plan,
      restarts = 0,
    }: {
      resolved: { manifest: PortalRecord['manifest']; hash: string };
      image: ImageRecord;
      imageManifest: ImageManifest;
      /** Planned by `up`; a restart keeps the instance it had: its addresses, MACs and taps. */
      plan: PortalPlan;
      restarts?: number;
    },
    context: StartContext,
  ): Promise<PortalSummary> {
    const { manifest } = resolved;
    const { instance, paths } = plan;
    const reverter = new Reverter(this.config.log);
    let recorded = false;
    try {
      await requireOnlineCpus(manifest);
      const account = accountOf(this.config, instance);
      const devices = await claimHostDevices(this.config, { name, manifest, owner: account, reverter });
      context.progress('preparing the overlay and share');
      await preparePortalFiles(paths, {
        manifest,
        base: instance.artifacts.base,
        firmware: instance.artifacts.firmware,
        owner: account,
        reverter,
      });
      if (paths.tpmState) {
        context.progress(`starting the TPM (${manifest.devices.tpm})`);
        await startPortalTpm(instance.runDir, paths.tpmState, account, reverter);
      }
      context.progress(isNetworked(instance) ? 'joining the portal networks' : 'offline portal');
      // Undone last, after the taps and the record: a failed first start must not leave an empty namespace
      // behind, nor its ports in the rules of the others.
      if (isNetworked(instance)) {
        reverter.add('leave the portal networks', () => this.refreshNetworks(name));
      }
      const namespace = await attachNetwork(this.config, { manifest, instance }, reverter);
      const record: PortalRecord = {
        name,
        node: manifest.node,
        formulaHash: resolved.hash,
        manifest,
        instance,
        image,
        state: 'starting',
        pid: null,
        pidStart: null,
        startedAt: this.config.clock(),
        readyAt: null,
        stoppedAt: null,
        exitReason: null,
        restarts,
        nextRestartAt: null,
      };
      this.store.put(record);
      await applyPortRules(this.config, this.activeRecords());
      // Stopped only once the run folder is gone too (below): whoever waits for "stopped" finds nothing left.
      reverter.add(`record of ${name}`, () =>
        this.store.update(name, { state: 'stopping', pid: null, exitReason: 'failed to start' }),
      );
      recorded = true;
      // Last step before QEMU: no flag skips it (see ImageTrust.verifyForBoot for the window that remains).
      // It reads the host's trust afresh, so a key revoked while the image was built is not let through.
      context.progress('verifying the image');
      await this.trust.images.verifyForBoot(image, imageManifest, {
        trust: this.trust.read(),
        progress: context.progress,
      });
      context.progress(`starting QEMU (${instance.accel})`);
      const { pid, pidStart, monitor } = await launchPortalQemu(this.config, {
        plan,
        namespace,
        devices,
        reverter,
      });
      this.store.update(name, { pid, pidStart });
      context.progress('booting');
      await awaitBoot(instance.runDir, {
        ports: plan.ports,
        deadlineMs: this.config.bootDeadlineMs,
        isAlive: () => monitor.isAlive(),
        context,
      });
      if (wantsPlacement(manifest)) {
        context.progress('placing the vCPU threads');
        await placeVcpus(await monitor.connect(10_000), manifest);
      } else {
        await monitor
          .connect(10_000)
          .catch((error: unknown) => this.config.log(`${name}: no QMP connection: ${String(error)}`));
      }
      const ready = this.store.update(name, { state: 'ready', readyAt: this.config.clock() });
      this.supervise(name, monitor);
      reverter.success();
      return summarize(ready, this.config.clock());
    } catch (error) {
      await reverter.fail();
      await cleanupRunDir(this.config, name, instance.runDir).catch((e: unknown) =>
        this.config.log(`cleanup of ${name}: ${String(e)}`),
      );
      if (recorded) this.store.update(name, { state: 'stopped', stoppedAt: this.config.clock() });
      throw error;
    }
  }

  /**
   * Watches a ready portal: if it ends without being asked to, it is cleaned up and then restarted, left
   * stopped or marked crashed, as its formula's `restart` says.
   */
  supervise(name: string, monitor: PortalMonitor): void {
    this.monitors.set(name, monitor);
    void monitor.gone.then(async () => {
      this.monitors.delete(name);
      const record = this.store.get(name);
      if (record?.state !== 'ready') return;
      this.config.log(`${name}: QEMU (pid ${record.pid}) ended without being asked to`);
      await this.afterExit(record, { clean: monitor.exitedCleanly });
    });
  }

  /** Cleans up after a QEMU that ended on its own, then applies the restart policy. */
  async afterExit(record: PortalRecord, exit: { clean: boolean }): Promise<void> {
    const after = this.restarter.afterExit(record, exit);
    await this.releaseNetwork(after);
    await cleanupRunDir(this.config, record.name, record.instance.runDir).catch((e: unknown) =>
      this.config.log(`cleanup of ${record.name}: ${String(e)}`),
    );
  }

  /** Schedules the pending restart of a portal found in state `restarting` (daemon start). */
  resumeRestart(record: PortalRecord): void {
    this.restarter.resume(record);
  }

  /** Stops a portal and removes its run folder; stopping a stopped portal is a no-op. */
  async down(
    params: { name: string; force: boolean; auth?: string | undefined },
    context: RequestContext,
  ): Promise<PortalSummary> {
    const record = this.get(params.name);
    this.restarter.cancel(params.name);
    if (!isActivePortal(record.state)) return summarize(record, this.config.clock());
    if (record.state === 'restarting') {
      const stopped = this.store.update(params.name, {
        state: 'stopped',
        nextRestartAt: null,
        exitReason: 'stopped while waiting to restart',
      });
      await this.releaseNetwork(stopped);
      return summarize(stopped, this.config.clock());
    }
    if (this.busy.has(params.name) && !params.force) {
      throw new MvError('portal.wrong-state', `Portal "${params.name}" is still starting`, {
        hint: 'Wait for it, or use --force.',
      });
    }
    this.store.update(params.name, { state: 'stopping' });
    this.agents.release(params.name);
    const ports = portsOfInstance(record.manifest, record.instance);
    const monitor =
      this.monitors.get(params.name) ??
      new PortalMonitor({ pid: record.pid ?? -1, pidStart: record.pidStart, qmpSocket: ports.qmp.path });
    context.progress(params.force ? 'stopping (forced)' : 'powering off');
    const step =
      record.pid === null
        ? 'already-gone'
        : await stopQemu(monitor, {
            pid: record.pid,
            agentSocket: ports.agent.path,
            force: params.force,
            auth: params.auth,
            log: this.config.log,
          });
    monitor.detach();
    this.monitors.delete(params.name);
    await cleanupRunDir(this.config, params.name, record.instance.runDir);
    const stopped = this.store.update(params.name, {
      state: 'stopped',
      pid: null,
      stoppedAt: this.config.clock(),
      exitReason: `stopped (${step})`,
    });
    await this.releaseNetwork(stopped);
    return summarize(stopped, this.config.clock());
  }

  /** What a ready, graphical portal's display shows, as PNG bytes. */
  async screenshot(name: string): Promise<Buffer> {
    const record = this.get(name);
    const monitor = this.monitors.get(name);
    requireAllowed(record, 'screenshot');
    if (!monitor) {
      throw new MvError('portal.wrong-state', `Portal "${name}" is ready, but not watched yet`, {
        hint: 'Try again in a moment: the daemon takes up its QMP connection just after the portal is ready.',
      });
    }
    return takeScreenshot(record, await monitor.connect(2_000), accountOf(this.config, record.instance).uid);
  }

  /** Each vCPU of a ready portal with its host thread's placement; none while it is not watched. */
  async vcpus(name: string): Promise<VcpuPlacement[]> {
    const record = this.get(name);
    const monitor = this.monitors.get(name);
    if (record.state !== 'ready' || !monitor || record.pid === null) return [];
    return readVcpus(await monitor.connect(2_000), record.pid);
  }

  /** Rotates the console log of every watched portal that needs it (log-folder.ts). */
  private async rotateLogs(): Promise<void> {
    for (const name of this.monitors.keys()) {
      const record = this.store.get(name);
      if (!record) continue;
      await rotateConsoleLog(record.instance.runDir, record.manifest.limits.logs).catch((error: unknown) =>
        this.config.log(`${name}: ${String(error)}`),
      );
    }
  }

  /** What a running portal uses of its limits; null while it has no QEMU. */
  async resources(name: string): Promise<PortalResources | null> {
    const record = this.get(name);
    if (record.pid === null || !isActivePortal(record.state)) return null;
    return readPortalResources(this.config, record);
  }

  /** Stops watching every portal without stopping them, and holds pending restarts (daemon shutdown). */
  detachAll(): void {
    clearInterval(this.logRotation);
    this.restarter.cancelAll();
    for (const monitor of this.monitors.values()) monitor.detach();
    this.monitors.clear();
  }
}
