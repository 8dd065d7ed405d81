/**
 * @module How to reach a portal's display: the URI `remote-viewer` (virt-viewer) opens for a SPICE or VNC
 * unix socket, and the lines `portalgun view` prints.
 * Pure: no I/O.
 */
import type { PortalSummary } from '../../protocol/index.js';

type Display = NonNullable<PortalSummary['display']>;

/** The virt-viewer URI of a display socket, e.g. `spice+unix:///run/…/spice.sock`. */
export function viewerUri(display: Display): string {
  return `${display.protocol}+unix://${display.socket}`;
}

/** What `portalgun view` prints when it does not open a viewer itself. */
export function renderViewHelp(name: string, display: Display): string {
  return [
    `${name}: ${display.protocol.toUpperCase()} display on the unix socket ${display.socket} (no TCP port)`,
    `connect:  remote-viewer ${viewerUri(display)}`,
    'The socket belongs to root: run the viewer as root, or forward the socket into the user controller.',
  ].join('\n');
}
