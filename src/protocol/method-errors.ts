/**
 * @module The error codes of the daemon API, named once: what the door answers any signed call with
 * (`DOOR_ERRORS`), and the groups of codes several methods share because they share the work behind them
 * (reading the formula tree, building an image, running a host command, asking a portal's agent). Each
 * method in methods.ts lists its own codes beyond the door's; the daemon answers an undeclared one as
 * `internal.bug` and logs it (daemon/door/signed-call.ts), so a list that is too short shows up in tests.
 * Pure: no I/O.
 */
import type { ErrorCode } from '../errors/index.js';

/**
 * What any signed call may be answered with, whatever its method: a request line the server cannot read;
 * a host whose owner record cannot seal a reply (no owner, or their encryption certificate unusable:
 * expired, revoked or not theirs), answered with a host-signed refusal that carries no results; every refusal of the envelope, its method or parameters and the policy as `auth.denied` (the
 * audit log has the exact reason); rate limits; an audit log that cannot take the decision; the caller
 * leaving (the request is aborted); and a bug.
 */
export const DOOR_ERRORS = [
  'daemon.protocol',
  'scramble.no-owner',
  'scramble.expired',
  'scramble.revoked',
  'scramble.untrusted',
  'scramble.bad-id',
  'auth.denied',
  'auth.rate-limited',
  'audit.broken',
  'cli.interrupted',
  'internal.bug',
] as const satisfies readonly ErrorCode[];

/** A code the door may answer any call with. */
export type DoorError = (typeof DOOR_ERRORS)[number];

/** Reading and resolving the daemon's formula tree: a tree with any problem is refused whole, by its first. */
export const FORMULA_TREE_ERRORS = [
  'formula.tree-not-found',
  'formula.empty-tree',
  'formula.read-failed',
  'formula.too-large',
  'formula.syntax',
  'formula.unknown-field',
  'formula.invalid-value',
  'formula.missing-field',
  'formula.invalid',
  'formula.bad-node-name',
  'formula.unknown-class',
  'formula.class-mismatch',
  'formula.misplaced',
  'formula.missing-parent',
  'formula.missing-extends',
  'formula.cycle',
  'formula.conflict',
  'formula.address-range',
  'formula.address-clash',
  'formula.router-clash',
  'formula.no-router',
] as const satisfies readonly ErrorCode[];

/** A host command that is missing, fails, or finds the disk full (exec/host/run-command.ts). */
export const HOST_COMMAND_ERRORS = [
  'host.missing-tool',
  'host.command-failed',
  'host.disk-full',
] as const satisfies readonly ErrorCode[];

/** Resolving the Debian archive from the host's apt sources or the daemon's override. */
export const DEBIAN_ARCHIVE_ERRORS = [
  'debian.sources-invalid',
  'debian.no-archive',
  'debian.wrong-release',
  'debian.no-security-archive',
  'debian.bad-archive-uri',
] as const satisfies readonly ErrorCode[];

/**
 * Finding or building a formula's image: its Debian layers (from the archive), the host files and kernel it
 * takes, its router files, and the store (a damaged record or a missing blob is `image.not-found`).
 */
export const IMAGE_BUILD_ERRORS = [
  ...DEBIAN_ARCHIVE_ERRORS,
  ...HOST_COMMAND_ERRORS,
  'image.build-failed',
  'image.kernel-missing',
  'image.missing-module',
  'image.missing-package',
  'image.not-found',
  'net.invalid-config',
] as const satisfies readonly ErrorCode[];

/** An image named by key prefix or formula (the formula's current image). */
export const IMAGE_REFERENCE_ERRORS = [
  ...FORMULA_TREE_ERRORS,
  'formula.not-found',
  'usage.invalid',
  'image.not-found',
] as const satisfies readonly ErrorCode[];

/** The owner's signature as checked when presented and before a boot. */
export const IMAGE_SIGNATURE_ERRORS = [
  'image.signature-invalid',
  'image.untrusted-signer',
] as const satisfies readonly ErrorCode[];

/** Handing host devices to a portal (planned from sysfs, then bound to vfio-pci). */
export const PASSTHROUGH_ERRORS = [
  'host.iommu-missing',
  'host.vfio-missing',
  'passthrough.not-found',
  'passthrough.ambiguous',
  'passthrough.group-not-viable',
  'passthrough.host-owned',
  'passthrough.busy',
  'passthrough.bind-failed',
] as const satisfies readonly ErrorCode[];

/**
 * A request to a portal's agent: every `agent.*` code, because the guest may answer any of them
 * (agent/protocol.ts `errorFromFailure` passes known `agent.*` codes through).
 */
export const AGENT_ERRORS = [
  'agent.frame-too-large',
  'agent.bad-frame',
  'agent.unknown-verb',
  'agent.verb-not-allowed',
  'agent.bad-args',
  'agent.command-not-allowed',
  'agent.command-failed',
  'agent.not-applicable',
  'agent.busy',
  'agent.timeout',
  'agent.unreachable',
  'agent.unauthenticated',
  'agent.disconnected',
  'agent.no-session',
] as const satisfies readonly ErrorCode[];

/** A command over a portal's QMP connection. */
export const QMP_ERRORS = [
  'qmp.connect-failed',
  'qmp.timeout',
  'qmp.error',
  'qmp.disconnected',
  'qmp.protocol',
] as const satisfies readonly ErrorCode[];
