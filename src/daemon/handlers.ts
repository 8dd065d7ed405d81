/**
 * @module The daemon's method handlers: each takes validated parameters (see protocol/methods.ts) and
 * calls the portal manager (the image methods live in image-handlers.ts), or reads the formula tree or the
 * audit log for the caller. The only place that knows both the API and the manager.
 */
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { shellAgentArgs } from '../agent/index.js';
import type { AuditLog } from '../audit/host/index.js';
import { MvError } from '../errors/index.js';
import { isRouterPortal } from '../formula/index.js';
import { type PortalPaths, portalPaths } from '../instance/index.js';
import { portsOfInstance } from '../plan/index.js';
import { METHODS, type MethodName, type MethodParams } from '../protocol/index.js';
import { encodeBase64Url } from '../scramble/index.js';
import type { DaemonConfig } from './config.js';
import { storeRevocation } from './door/revocations.js';
import { type Caller, type Handler, requireCaller } from './door/server.js';
import { readFormulaTreeFiles, readFormulaTreeInfo } from './formula-tree.js';
import { buildImageHandlers, type ImageHandlerDeps } from './images/image-handlers.js';
import { allows, requireAllowed } from './portals/portal-lifecycle.js';
import { readConsoleLog } from './portals/portal-logs.js';
import type { PortalManager } from './portals/portal-manager.js';
import { mountShareImage, removeShareImage } from './portals/share-image.js';
import { describeUsage, readShareUsage } from './portals/share-usage.js';
import type { PortalRecord, PortalStore } from './state/portal-store.js';

type Typed<M extends MethodName> = (
  params: MethodParams<M>,
  context: Parameters<Handler>[1],
) => Promise<unknown>;

/** What the handlers call: the portal table and manager, the image side, and the audit log (to read it). */
export interface HandlerDeps {
  readonly store: PortalStore;
  readonly manager: PortalManager;
  readonly images: ImageHandlerDeps;
  readonly audit: Pick<AuditLog, 'readBytes'>;
}

/** Every handler, keyed by method. */
export function buildHandlers(
  config: DaemonConfig,
  { store, manager, images, audit }: HandlerDeps,
): Record<MethodName, Handler> {
  const { agents } = manager;
  const handlers: { [M in MethodName]: Typed<M> } = {
    'system.version': async () => ({
      version: config.version,
      protocol: 1,
      hostId: config.hostId,
      hostKey: {
        publicKey: encodeBase64Url(config.hostKey.publicKey),
        fingerprint: config.hostKey.fingerprint,
      },
      formulas: await readFormulaTreeInfo(config.formulasDir),
    }),
    'identity.revoke': async ({ record }, context) => ({
      revoked: storeRevocation(config.stateRoot, requireCaller(context).trust.owner().scrambleId, record),
    }),
    'portal.up': (params, context) => manager.up(params, { ...context, trust: requireCaller(context).trust }),
    'portal.down': async (params, context) => {
      // The first step of a stop asks the guest's agent to power off: that is agent.poweroff, granted (and
      // limited) by the policy and the certificate like any agent verb. Without the grant, the stop starts
      // at the ACPI button; the portal still stops, as portal.down was granted.
      const record = manager.get(params.name);
      const grant =
        params.force || !allows(record.state, 'agent')
          ? undefined
          : await agentGrant(requireCaller(context), 'agent.poweroff', params.name);
      try {
        return await manager.down({ ...params, auth: grant?.auth }, context);
      } finally {
        grant?.release();
      }
    },
    'portal.list': async () => ({ portals: manager.list() }),
    'portal.status': async ({ name }, context) => {
      const record = manager.get(name);
      // The threads' placement is a host fact: shown even when the agent does not answer.
      const vcpus = await manager.vcpus(name).catch(() => []);
      const resources = await manager.resources(name).catch(() => null);
      if (!allows(record.state, 'agent'))
        return { portal: manager.summary(name), agent: null, agentError: null, vcpus, resources };
      // The guest half is agent.status, the policy's and the certificate's to grant: without the grant the
      // host's facts are still shown, and agentError says the agent was not asked (the refusal is audited).
      const grant = await agentGrant(requireCaller(context), 'agent.status', name);
      if (grant === undefined) {
        return { vcpus, resources, portal: manager.summary(name), agent: null, agentError: NOT_ASKED };
      }
      try {
        return {
          vcpus,
          resources,
          portal: manager.summary(name),
          agent: await agents.request(record, { verb: 'status', args: [], auth: grant.auth }, 10_000),
          agentError: null,
        };
      } catch (error) {
        return {
          vcpus,
          resources,
          portal: manager.summary(name),
          agent: null,
          agentError: error instanceof Error ? error.message : String(error),
        };
      } finally {
        grant.release();
      }
    },
    'portal.exec': async ({ name, verb, args }, context) => {
      if (verb === 'shell') {
        throw new MvError('agent.bad-args', 'A shell is opened with portal.shell, not portal.exec', {
          hint: `Run "portalgun shell ${name}".`,
        });
      }
      // The agent verb passes the policy and its own rate limits before it reaches the portal's channel.
      const release = await requireCaller(context).authorize(`agent.${verb}`, name);
      try {
        const auth = requireCaller(context).envelope;
        return { result: await agents.request(manager.get(name), { verb, args, auth }) };
      } finally {
        release();
      }
    },
    'portal.logs': ({ name, offset, tailBytes }) =>
      readConsoleLog(config, manager.get(name), { offset, tailBytes }),
    'portal.remove': async ({ name, force, ifShareEmpty }, context) => {
      const record = manager.get(name);
      const paths = portalPaths(config, name, record.manifest);
      // Asked before anything is stopped: a refusal leaves the portal as it was.
      if (ifShareEmpty) await refuseShareWithData(name, paths);
      if (!allows(record.state, 'remove')) {
        if (!force) requireAllowed(record, 'remove');
        await manager.down({ name, force: true }, context);
      }
      await removeShareImage(paths);
      await rm(paths.shareReadOnlyDir, { recursive: true, force: true });
      for (const [disk, spec] of Object.entries(record.manifest.disks)) {
        if (spec.persistent) config.log(`${name}: keeping persistent volume ${disk} (${paths.disks[disk]})`);
      }
      store.delete(name);
      return { removed: name };
    },
    'portal.console': async ({ name }, context) => {
      const record = manager.get(name);
      requireAllowed(record, 'console');
      const serial = portsOfInstance(record.manifest, record.instance).console;
      if (!serial) {
        throw new MvError('portal.no-console', `Portal "${name}" has no serial console`, {
          hint: 'Its formula sets devices.console: false; use portalgun logs instead.',
        });
      }
      // Output only: no keystroke reaches the console (no image keeps a shell there; portalgun shell is the
      // way in, one signed call per keystroke batch).
      context.takeOver((client) => {
        const consoleSocket = connect(serial.path);
        consoleSocket.pipe(client);
        client.resume();
        const end = () => {
          client.destroy();
          consoleSocket.destroy();
        };
        client.on('close', end);
        consoleSocket.on('close', end);
        consoleSocket.on('error', end);
      });
      return { attached: true, readOnly: true };
    },
    'portal.shell': async ({ name, ...step }, context) => {
      const caller = requireCaller(context);
      const record = manager.get(name);
      const args = shellAgentArgs(step);
      // Opening and closing are the policy's to grant (and so audited) as agent.shell; a router is its own
      // target, which the default policy does not grant.
      const edge = step.op === 'open' || step.op === 'close';
      const release = edge ? await caller.authorize('agent.shell', shellTarget(record)) : () => undefined;
      try {
        const timeoutMs = (step.wait ?? 0) + 20_000;
        const result = await agents.request(
          record,
          { verb: 'shell', args, auth: caller.envelope },
          timeoutMs,
        );
        const reply = METHODS['portal.shell'].result.safeParse(result);
        if (!reply.success)
          throw new MvError('agent.command-failed', 'The agent answered a shell step out of shape');
        return reply.data;
      } finally {
        release();
      }
    },
    'portal.screenshot': async ({ name }) => ({
      format: 'png',
      data: (await manager.screenshot(name)).toString('base64'),
    }),
    ...buildImageHandlers(images),
    'formula.tree': () => readFormulaTreeFiles(config.formulasDir),
    'audit.read': async ({ offset, limit }) => {
      const { bytes, size } = await audit.readBytes(offset, limit);
      return { data: bytes.toString('base64'), next: offset + bytes.length, size };
    },
  };
  return handlers as unknown as Record<MethodName, Handler>;
}

/** What `portal.status` says in `agentError` when the policy or the certificate did not grant `agent.status`. */
export const NOT_ASKED = 'not asked: agent.status is not granted to this key (see "scramble audit show")';

/**
 * The caller's grant of an agent verb on a portal (its envelope for the agent, and the in-flight release), or
 * undefined when the policy, its limits or the certificate refuse it (already audited); other failures throw.
 */
async function agentGrant(
  caller: Caller,
  verb: string,
  target: string,
): Promise<{ auth: string; release: () => void } | undefined> {
  try {
    return { auth: caller.envelope, release: await caller.authorize(verb, target) };
  } catch (error) {
    if (error instanceof MvError && (error.code === 'auth.denied' || error.code === 'auth.rate-limited'))
      return undefined;
    throw error;
  }
}

/** The policy target of a shell into a portal: its name, or `router.<name>` for a router. */
export function shellTarget(record: Pick<PortalRecord, 'name' | 'manifest'>): string {
  return isRouterPortal(record.manifest) ? `router.${record.name}` : record.name;
}

/**
 * Throws `portal.share-not-empty` when the share (its image mounted first) or its read-only subfolders hold
 * any file (the caller then asks its user).
 */
async function refuseShareWithData(name: string, paths: PortalPaths): Promise<void> {
  await mountShareImage(paths);
  const [share, readOnly] = await Promise.all([
    readShareUsage(paths.shareDir),
    readShareUsage(paths.shareReadOnlyDir),
  ]);
  const usage = { files: share.files + readOnly.files, bytes: share.bytes + readOnly.bytes };
  if (usage.files === 0) return;
  const where = readOnly.files > 0 ? `${paths.shareDir} and ${paths.shareReadOnlyDir}` : paths.shareDir;
  throw new MvError(
    'portal.share-not-empty',
    `Portal "${name}"'s share holds ${describeUsage(usage)} at ${where}; removing the portal deletes them`,
    {
      hint: `Copy out what you need, then remove it with --yes: "portalgun rm ${name} --yes" (in the Scramble Shell: "rm ${name} --yes").`,
    },
  );
}
