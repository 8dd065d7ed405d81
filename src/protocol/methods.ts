/**
 * @module The daemon's API, described once: every method with its parameter and result schemas, its policy
 * target and the error codes it may answer with (as vscode-jsonrpc's `RequestType<P, R, E>`). The daemon
 * validates requests against it and the CLI validates replies against it, so the two cannot drift.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { SESSION_ID, SHELL_LIMITS, SHELL_OPS, TERM_NAME } from '../agent/index.js';
import type { ErrorCode } from '../errors/index.js';
import { AGENT_VERBS, isAgentVerb } from '../guest-abi/index.js';
import { SCHEDULING_POLICIES } from '../probe/index.js';
import { FORMULA_METHODS } from './_formula-methods.js';
import { AUDIT_METHODS } from './audit-methods.js';
import { IMAGE_METHODS } from './image-methods.js';
import {
  AGENT_ERRORS,
  DOOR_ERRORS,
  type DoorError,
  FORMULA_TREE_ERRORS,
  HOST_COMMAND_ERRORS,
  IMAGE_BUILD_ERRORS,
  IMAGE_SIGNATURE_ERRORS,
  PASSTHROUGH_ERRORS,
  QMP_ERRORS,
} from './method-errors.js';

/** A portal instance name: a DNS label, unique on the host. */
export const PORTAL_NAME = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,40}[a-z0-9]$|^[a-z]$/,
    'must be a lower-case name of letters, digits and inner "-"',
  );

/** The lifecycle states of a portal. */
export const PORTAL_STATES = ['starting', 'ready', 'stopping', 'restarting', 'stopped', 'crashed'] as const;

/** A portal's state. */
export type PortalState = (typeof PORTAL_STATES)[number];

const ACTIVE_STATES: ReadonlySet<PortalState> = new Set(['starting', 'ready', 'stopping', 'restarting']);

/**
 * Whether a portal in this state holds its name, addresses and image: it has a QEMU process behind it
 * (starting, ready, stopping) or is waiting to be started again (restarting).
 */
export function isActivePortal(state: PortalState): boolean {
  return ACTIVE_STATES.has(state);
}

/** What `ps` shows about one portal. */
export const PORTAL_SUMMARY = z.strictObject({
  name: z.string(),
  node: z.string(),
  portalName: z.string(),
  formulaHash: z.string(),
  state: z.enum(PORTAL_STATES),
  pid: z.number().int().nullable(),
  accel: z.enum(['tcg', 'kvm']),
  vcpus: z.number().int(),
  memoryMiB: z.number().int(),
  rssKiB: z.number().int().nullable(),
  startedAt: z.number().nullable(),
  readyAt: z.number().nullable(),
  stoppedAt: z.number().nullable(),
  uptimeSeconds: z.number().nullable(),
  exitReason: z.string().nullable(),
  addresses: z.array(z.strictObject({ network: z.string(), address: z.string(), mac: z.string() })),
  /** The graphical display's unix socket (never a TCP port), or null for a portal without one. */
  display: z.strictObject({ protocol: z.enum(['spice', 'vnc']), socket: z.string() }).nullable(),
  /** The formula's restart policy, the daemon's restarts in a row, and when a restarting portal starts again. */
  restart: z.strictObject({
    policy: z.enum(['no', 'on-failure', 'always']),
    restarts: z.number().int(),
    nextAt: z.number().nullable(),
  }),
});

/** One portal as the API reports it. */
export type PortalSummary = z.output<typeof PORTAL_SUMMARY>;

const nameParam = z.strictObject({ name: PORTAL_NAME });

/** What every method declares. */
interface MethodSpec {
  /**
   * The fields a policy rule may name for a call (`name=web-*`), each the value of the parameter of that name
   * as validated (an optional one left out is ""), the first the primary one a bare target pattern matches;
   * none: the bare pattern matches this host's id. The daemon resolves `formula` to the node it names, and
   * `portal.up`'s `name` to the name it will use (`policyFieldsOf` is the whole vocabulary).
   */
  readonly target: readonly string[];
  readonly params: z.ZodObject;
  readonly result: z.ZodType;
  /** The codes its handler may throw beyond `DOOR_ERRORS`, which every call may get. */
  readonly errors: readonly ErrorCode[];
}

/**
 * Every daemon method: its params and result schemas, its policy target (none: this host's id) and its
 * error codes beyond the door's.
 */
export const METHODS = {
  'system.version': {
    target: [],
    params: z.strictObject({}),
    result: z.strictObject({
      version: z.string(),
      protocol: z.literal(1),
      hostId: z.string(),
      /** The host's public key (base64url) and its fingerprint: `portalgun init` pins it, every call checks it. */
      hostKey: z.strictObject({ publicKey: z.string(), fingerprint: z.string() }),
      /** The formula tree the daemon boots from (absolute), and its digest (null when it cannot be read). */
      formulas: z.strictObject({ dir: z.string(), digest: z.string().nullable() }),
    }),
    /** The probe answers even while the formula tree cannot be read (its digest is then null). */
    errors: [],
  },
  'identity.revoke': {
    target: [],
    params: z.strictObject({ record: z.record(z.string(), z.unknown()) }),
    result: z.strictObject({ revoked: z.string() }),
    /** A record that does not verify is `scramble.untrusted`, a door code too. */
    errors: [],
  },
  'portal.up': {
    target: ['formula', 'name'],
    params: z.strictObject({
      formula: z.string().min(1).max(300),
      name: PORTAL_NAME.optional(),
      /** Start it even though the name's share and volumes belong to another formula, which then gives them up. */
      adoptData: z.boolean().optional(),
    }),
    result: PORTAL_SUMMARY,
    errors: [
      ...FORMULA_TREE_ERRORS,
      'formula.not-found',
      'portal.router-down',
      'portal.exists',
      ...IMAGE_BUILD_ERRORS,
      'plan.address-exhausted',
      'portal.no-account',
      'portal.cpuset-unavailable',
      'portal.data-mismatch',
      'host.no-cgroups',
      'host.cgroup-failed',
      'net.bad-guest-arg',
      ...PASSTHROUGH_ERRORS,
      'portal.files-unsafe',
      'portal.share-over-quota',
      'net.unavailable',
      'net.uplink-busy',
      'net.apply-failed',
      // The checks right before QEMU starts (daemon/images/image-trust.ts verifyForBoot).
      'image.tampered',
      'image.unsigned',
      ...IMAGE_SIGNATURE_ERRORS,
      'image.rollback',
      'qemu.spawn-failed',
      'qemu.exited',
      'portal.boot-failed',
      'portal.boot-timeout',
    ],
  },
  'portal.down': {
    target: ['name'],
    params: z.strictObject({ name: PORTAL_NAME, force: z.boolean().default(false) }),
    result: PORTAL_SUMMARY,
    errors: ['portal.not-found', 'portal.wrong-state', 'portal.stop-timeout'],
  },
  'portal.list': {
    target: [],
    params: z.strictObject({}),
    result: z.strictObject({ portals: z.array(PORTAL_SUMMARY) }),
    errors: [],
  },
  'portal.status': {
    target: ['name'],
    params: nameParam,
    result: z.strictObject({
      portal: PORTAL_SUMMARY,
      agent: z.unknown().nullable(),
      agentError: z.string().nullable(),
      /** Each vCPU of a ready portal, its host thread and that thread's CPUs and scheduling. */
      vcpus: z.array(
        z.strictObject({
          index: z.number().int(),
          thread: z.number().int(),
          cpus: z.string(),
          policy: z.enum(SCHEDULING_POLICIES),
          priority: z.number().int(),
        }),
      ),
      /** What a running portal uses of its limits: its control group's memory and threads, its log folder. */
      resources: z
        .strictObject({
          memoryBytes: z.number(),
          memoryLimitBytes: z.number(),
          pids: z.number().int(),
          pidsLimit: z.number().int(),
          logsBytes: z.number(),
          logsLimitBytes: z.number(),
        })
        .nullable(),
    }),
    /** The agent's own failure is reported in `agentError`, not thrown. */
    errors: ['portal.not-found'],
  },
  'portal.exec': {
    target: ['name', 'verb'],
    params: z.strictObject({
      name: PORTAL_NAME,
      verb: z.string().min(1).max(32),
      args: z.array(z.string().max(4096)).max(32).default([]),
    }),
    result: z.strictObject({ result: z.unknown() }),
    errors: ['portal.not-found', 'portal.wrong-state', ...AGENT_ERRORS],
  },
  'portal.logs': {
    target: ['name'],
    params: z.strictObject({
      name: PORTAL_NAME,
      offset: z.number().int().min(0).optional(),
      tailBytes: z.number().int().min(0).max(1_048_576).optional(),
    }),
    result: z.strictObject({ text: z.string(), offset: z.number().int(), live: z.boolean() }),
    errors: ['portal.not-found'],
  },
  'portal.remove': {
    target: ['name'],
    params: z.strictObject({
      name: PORTAL_NAME,
      force: z.boolean().default(false),
      /** Refuse (`portal.share-not-empty`) rather than delete a share that holds files. */
      ifShareEmpty: z.boolean().default(false),
    }),
    result: z.strictObject({ removed: z.string() }),
    errors: [
      'portal.not-found',
      'portal.wrong-state',
      'portal.share-not-empty',
      'portal.stop-timeout',
      'portal.files-unsafe',
      ...HOST_COMMAND_ERRORS,
    ],
  },
  'portal.console': {
    target: ['name'],
    params: nameParam,
    result: z.strictObject({
      attached: z.literal(true),
      /** Always true: a console shows the portal's output only; keystrokes are not passed on. */
      readOnly: z.literal(true),
    }),
    errors: ['portal.not-found', 'portal.wrong-state', 'portal.no-console'],
  },
  'portal.shell': {
    target: ['name'],
    /**
     * One step of an interactive shell in the portal (agent/shell.ts): `open` {cols, rows, term}, `io`
     * {session, input (base64url keystrokes), wait (ms)}, `resize` {session, cols, rows}, `close` {session}.
     * Opening one is also checked as `agent.shell` on the portal's name, or `router.<name>` for a router.
     */
    params: z.strictObject({
      name: PORTAL_NAME,
      op: z.enum(SHELL_OPS),
      session: z.string().regex(SESSION_ID).optional(),
      input: z
        .string()
        .max(Math.ceil((SHELL_LIMITS.maxInputBytes * 4) / 3))
        .regex(/^[A-Za-z0-9_-]*$/)
        .optional(),
      wait: z.number().int().min(0).max(SHELL_LIMITS.maxWaitMs).optional(),
      cols: z.number().int().min(1).max(SHELL_LIMITS.maxSide).optional(),
      rows: z.number().int().min(1).max(SHELL_LIMITS.maxSide).optional(),
      term: z.string().regex(TERM_NAME).optional(),
    }),
    /** The session, the output it collected (base64url) and whether it has ended. */
    result: z.strictObject({
      session: z.string().regex(SESSION_ID),
      output: z.string().regex(/^[A-Za-z0-9_-]*$/),
      closed: z.boolean(),
    }),
    errors: ['portal.not-found', 'portal.wrong-state', ...AGENT_ERRORS],
  },
  'portal.screenshot': {
    target: ['name'],
    params: nameParam,
    /** What the portal's display shows, as a base64 PNG. */
    result: z.strictObject({ format: z.literal('png'), data: z.string() }),
    errors: [
      'portal.not-found',
      'portal.wrong-state',
      'portal.no-display',
      'portal.screenshot-failed',
      ...QMP_ERRORS,
    ],
  },
  'image.build': {
    target: ['formula'],
    params: z.strictObject({ formula: z.string().min(1).max(300) }),
    result: z.strictObject({
      node: z.string(),
      formulaHash: z.string(),
      kernel: z.string(),
      initrd: z.string(),
      base: z.string().nullable(),
    }),
    errors: [...FORMULA_TREE_ERRORS, 'formula.not-found', ...IMAGE_BUILD_ERRORS],
  },
  ...IMAGE_METHODS,
  ...FORMULA_METHODS,
  ...AUDIT_METHODS,
} as const satisfies Readonly<Record<string, MethodSpec>>;

/** A method name. */
export type MethodName = keyof typeof METHODS;

/** The fields every `agent.<verb>` check declares: the portal the verb is relayed to. */
export const AGENT_TARGET = ['name'] as const;

/** What a policy rule is matched against for one call: the primary value and every named field's value. */
export interface PolicyTargets {
  /** What a bare target pattern matches: the first declared field's value, or the host id. */
  readonly primary: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The policy targets of a call from its validated parameters; `resolved` holds the values the daemon derived
 * itself (the node a formula names, the name a portal will get), which replace the parameters' own.
 */
export function policyTargetsOf(
  method: MethodName,
  params: Readonly<Record<string, unknown>>,
  context: { readonly hostId: string; readonly resolved?: Readonly<Record<string, string>> },
): PolicyTargets {
  const declared = METHODS[method].target as readonly string[];
  const fields = Object.fromEntries(
    declared.map((field) => {
      const value = context.resolved?.[field] ?? params[field];
      return [field, typeof value === 'string' ? value : ''];
    }),
  );
  const [first] = declared;
  return { primary: first === undefined ? context.hostId : (fields[first] ?? ''), fields };
}

/** The fields a policy rule may name for `verb` (a method, or `agent.<verb>`), or undefined for an unknown verb. */
export function policyFieldsOf(verb: string): readonly string[] | undefined {
  if (isMethodName(verb)) return METHODS[verb].target;
  const agentVerb = verb.startsWith('agent.') ? verb.slice('agent.'.length) : undefined;
  return agentVerb !== undefined && isAgentVerb(agentVerb) ? AGENT_TARGET : undefined;
}

/** Every verb a policy rule can match: the methods and the agent verbs. */
export const POLICY_VERBS: readonly string[] = [
  ...Object.keys(METHODS),
  ...AGENT_VERBS.map((verb) => `agent.${verb}`),
];

/** The parameters a caller passes (defaults may be left out). */
export type MethodParamsInput<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;

/** The parameters a handler receives (defaults filled in). */
export type MethodParams<M extends MethodName> = z.output<(typeof METHODS)[M]['params']>;

/** The result of a method. */
export type MethodResult<M extends MethodName> = z.output<(typeof METHODS)[M]['result']>;

/** The codes a method may answer with: its own and the door's. */
export type MethodError<M extends MethodName> = DoorError | (typeof METHODS)[M]['errors'][number];

/** Whether a method declares `code` (its own or the door's); any other is a broken contract. */
export function isDeclaredError(method: MethodName, code: ErrorCode): boolean {
  const own: readonly ErrorCode[] = METHODS[method].errors;
  return (DOOR_ERRORS as readonly ErrorCode[]).includes(code) || own.includes(code);
}

/** True if `name` is a method of the API. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
