/**
 * @module The daemon's configuration: where it keeps state, where portals run, which formula tree and
 * agent bundle it uses, the account QEMU runs as, the accelerator it chose at start, and the Debian archive
 * override from its environment.
 */
import type { ArchiveOverride } from '../debian/index.js';
import type { AcceleratorChoice } from '../probe/index.js';
import type { HostKey } from '../scramble/index.js';

/** Everything the daemon was started with. */
export interface DaemonConfig {
  readonly version: string;
  /** This host's id: the target every envelope for this daemon must name. */
  readonly hostId: string;
  /** This host's key: it signs every reply (the owner pinned its public half at `portalgun init`). */
  readonly hostKey: HostKey;
  readonly stateRoot: string;
  readonly runRoot: string;
  readonly socketPath: string;
  readonly formulasDir: string;
  readonly agentBundle: string;
  readonly qemuBinary: string;
  readonly owner: { readonly uid: number; readonly gid: number };
  readonly accel: AcceleratorChoice;
  readonly tscKhz: number;
  /**
   * `PORTALGUN_DEBIAN_MIRROR` / `PORTALGUN_DEBIAN_SECURITY_MIRROR` as the daemon started with them; without
   * them, Debian layers come from the host's apt sources. The CLI's own values are only compared with these.
   */
  readonly debianOverride: ArchiveOverride;
  /** How long a portal may take from QEMU start to `ready`. */
  readonly bootDeadlineMs: number;
  readonly clock: () => number;
  readonly log: (line: string) => void;
}
