/**
 * @module The portal lifecycle as one table: which states allow which action, and the refusal
 * (`portal.wrong-state`, with what to do) when a portal is in any other. The handlers and the manager ask
 * it instead of comparing states themselves, as Firecracker's VMM asks which actions fit a pre-boot or a
 * running machine.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';
import type { PortalState } from '../../protocol/index.js';

/** What a caller may ask of an existing portal that depends on its state. */
export type PortalAction = 'agent' | 'console' | 'screenshot' | 'remove';

/** The states each action is allowed in; `remove --force` stops the portal first, so it needs no entry. */
export const LIFECYCLE: Readonly<Record<PortalAction, readonly PortalState[]>> = {
  /** Agent verbs (`exec`, the guest half of `status`): only a portal whose agent said ready. */
  agent: ['ready'],
  console: ['ready'],
  screenshot: ['ready'],
  /** Removing the record and the share: only once nothing runs. */
  remove: ['stopped', 'crashed'],
};

const HINTS: Readonly<Record<PortalAction, string>> = {
  agent: 'Wait until "portalgun ps" shows it ready, or start it with "portalgun up".',
  console: 'Wait until "portalgun ps" shows it ready, or start it with "portalgun up".',
  screenshot: 'Wait until "portalgun ps" shows it ready, or start it with "portalgun up".',
  remove: 'Stop it first ("portalgun down"), or use --force.',
};

/** Whether a portal in `state` may do `action`. */
export function allows(state: PortalState, action: PortalAction): boolean {
  return LIFECYCLE[action].includes(state);
}

/** Refuses `action` unless the portal's state allows it. */
export function requireAllowed(portal: { name: string; state: PortalState }, action: PortalAction): void {
  if (allows(portal.state, action)) return;
  const wanted = LIFECYCLE[action].join(' or ');
  throw new MvError('portal.wrong-state', `Portal "${portal.name}" is ${portal.state}, not ${wanted}`, {
    hint: HINTS[action],
  });
}
