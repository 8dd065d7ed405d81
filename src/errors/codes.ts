/**
 * @module Stable error codes (`domain.condition`), each mapped to one category; the category decides the
 * CLI exit code and the daemon's JSON-RPC error number. Codes are part of the public interface: once shipped
 * they are never renamed or reused.
 * Pure: no I/O.
 */

/** What kind of failure a code is; each category has one exit code. */
export type ErrorCategory =
  | 'failed'
  | 'bad-input'
  | 'not-found'
  | 'conflict'
  | 'denied'
  | 'host-not-ready'
  | 'timeout'
  | 'internal'
  | 'interrupted';

/** Exit code per category, as documented in the house style and the README. */
export const EXIT_CODES: Readonly<Record<ErrorCategory, number>> = {
  failed: 1,
  'bad-input': 2,
  'not-found': 3,
  conflict: 4,
  denied: 5,
  'host-not-ready': 6,
  timeout: 7,
  internal: 10,
  interrupted: 130,
};

/** Every error code the project emits, with its category. */
export const ERROR_CODES = {
  'usage.invalid': 'bad-input',
  'formula.syntax': 'bad-input',
  'formula.unknown-field': 'bad-input',
  'formula.invalid-value': 'bad-input',
  'formula.missing-field': 'bad-input',
  'formula.bad-node-name': 'bad-input',
  'formula.unknown-class': 'bad-input',
  'formula.class-mismatch': 'bad-input',
  'formula.missing-parent': 'bad-input',
  'formula.missing-extends': 'bad-input',
  'formula.unknown-node': 'bad-input',
  'formula.cycle': 'bad-input',
  'formula.misplaced': 'bad-input',
  'formula.conflict': 'bad-input',
  'formula.address-range': 'bad-input',
  'formula.address-clash': 'bad-input',
  'formula.router-clash': 'bad-input',
  'formula.no-router': 'bad-input',
  'formula.invalid': 'bad-input',
  'formula.too-large': 'bad-input',
  'formula.empty-tree': 'bad-input',
  'formula.not-found': 'not-found',
  'formula.tree-not-found': 'not-found',
  'formula.read-failed': 'failed',
  'plan.address-exhausted': 'conflict',
  'agent.frame-too-large': 'bad-input',
  'agent.bad-frame': 'bad-input',
  'agent.unknown-verb': 'bad-input',
  'agent.verb-not-allowed': 'denied',
  'agent.bad-args': 'bad-input',
  'agent.command-not-allowed': 'denied',
  'agent.command-failed': 'failed',
  'agent.not-applicable': 'bad-input',
  'agent.busy': 'conflict',
  'agent.timeout': 'timeout',
  'agent.unreachable': 'failed',
  'agent.unauthenticated': 'denied',
  'agent.disconnected': 'failed',
  'agent.no-session': 'not-found',
  'qmp.connect-failed': 'failed',
  'qmp.timeout': 'timeout',
  'qmp.error': 'failed',
  'qmp.disconnected': 'failed',
  'qmp.protocol': 'failed',
  'image.missing-module': 'host-not-ready',
  'image.bad-kernel': 'host-not-ready',
  'image.kernel-missing': 'host-not-ready',
  'image.missing-package': 'host-not-ready',
  'image.build-failed': 'failed',
  'image.not-found': 'not-found',
  'image.unsigned': 'denied',
  'image.signature-invalid': 'denied',
  'image.untrusted-signer': 'denied',
  'image.rollback': 'denied',
  // A changed artifact means the host's store is damaged or attacked: no permission would fix it.
  'image.tampered': 'failed',
  'image.in-use': 'conflict',
  'image.busy': 'conflict',
  // The Debian archive images are built from: the host's apt sources, the daemon's override, the indices.
  'debian.sources-invalid': 'host-not-ready',
  'debian.no-archive': 'host-not-ready',
  'debian.wrong-release': 'host-not-ready',
  'debian.no-security-archive': 'host-not-ready',
  'debian.bad-archive-uri': 'bad-input',
  'debian.mirror-mismatch': 'conflict',
  'debian.index-failed': 'failed',
  'host.missing-tool': 'host-not-ready',
  'host.command-failed': 'failed',
  'host.disk-full': 'failed',
  'qemu.spawn-failed': 'failed',
  'qemu.exited': 'failed',
  'portal.not-found': 'not-found',
  'portal.no-display': 'bad-input',
  'portal.no-console': 'bad-input',
  'portal.no-account': 'conflict',
  'portal.data-mismatch': 'conflict',
  'portal.cpuset-unavailable': 'bad-input',
  'portal.exists': 'conflict',
  // Asking before deleting someone's files: run again with --yes, which is what the hint says.
  'portal.share-not-empty': 'bad-input',
  'portal.share-over-quota': 'bad-input',
  'portal.wrong-state': 'conflict',
  'portal.router-down': 'conflict',
  'portal.screenshot-failed': 'failed',
  'portal.files-unsafe': 'failed',
  'portal.boot-failed': 'failed',
  'portal.boot-timeout': 'timeout',
  'portal.stop-timeout': 'timeout',
  'host.not-root': 'host-not-ready',
  'host.missing-user': 'host-not-ready',
  'host.uid-clash': 'host-not-ready',
  'host.no-cgroups': 'host-not-ready',
  'host.cgroup-failed': 'failed',
  'host.iommu-missing': 'host-not-ready',
  'host.vfio-missing': 'host-not-ready',
  'passthrough.not-found': 'not-found',
  // Two alike USB devices: the formula must say which port, so the fix is in the input.
  'passthrough.ambiguous': 'bad-input',
  'passthrough.group-not-viable': 'conflict',
  'passthrough.host-owned': 'conflict',
  'passthrough.busy': 'conflict',
  'passthrough.bind-failed': 'failed',
  'daemon.unreachable': 'host-not-ready',
  'daemon.protocol': 'internal',
  'daemon.running': 'conflict',
  'cli.interrupted': 'interrupted',
  'net.unavailable': 'host-not-ready',
  'net.bad-guest-arg': 'bad-input',
  'net.invalid-config': 'bad-input',
  'net.apply-failed': 'failed',
  'net.uplink-busy': 'conflict',
  'net.unknown-network': 'bad-input',
  'scramble.too-large': 'denied',
  'scramble.decode': 'denied',
  'scramble.version': 'denied',
  'scramble.untrusted': 'denied',
  'scramble.revoked': 'denied',
  'scramble.bad-signature': 'denied',
  'scramble.expired': 'denied',
  'scramble.clock-skew': 'denied',
  'scramble.wrong-target': 'denied',
  'scramble.replay': 'denied',
  'scramble.not-permitted': 'denied',
  'scramble.bad-id': 'bad-input',
  'scramble.bad-passphrase': 'denied',
  'scramble.bad-key-file': 'bad-input',
  'scramble.sealed': 'denied',
  // An answer not signed by the host key the owner pinned: something else may be answering the socket.
  'scramble.host-mismatch': 'denied',
  'scramble.no-identity': 'not-found',
  'scramble.no-owner': 'host-not-ready',
  'scramble.exists': 'conflict',
  // Identities and the recovery kit: a new passphrase too easy to guess, a recovery phrase or share that
  // does not decode, a key file others could read or replace.
  'scramble.weak-passphrase': 'bad-input',
  'scramble.bad-recovery': 'bad-input',
  'scramble.loose-permissions': 'denied',
  'policy.syntax': 'denied',
  'policy.no-match': 'denied',
  'policy.denied': 'denied',
  'auth.denied': 'denied',
  'auth.rate-limited': 'denied',
  'audit.broken': 'failed',
  'audit.no-log': 'not-found',
  'internal.bug': 'internal',
} as const satisfies Record<string, ErrorCategory>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The category of a code. */
export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code];
}

/** The process exit code for an error code. */
export function exitCodeOf(code: ErrorCode): number {
  return EXIT_CODES[categoryOf(code)];
}
