/**
 * @module Who this boot of the portal is, from the kernel command line the host's daemon writes:
 * `multiverse.host=<host id>` (the daemon's host id, the only envelope target the agent accepts) and
 * `multiverse.instance=<name>` (the portal instance, the only `name` those envelopes may act on). Each must
 * appear exactly once: a second copy, say from a formula's own boot tokens, is refused rather than chosen
 * between, so nothing else on the command line can point the agent at another host or instance.
 * Pure: no I/O.
 */
import { KERNEL_PARAMS } from '../../guest-abi/index.js';

/** Where Linux shows the kernel command line. */
export const KERNEL_CMDLINE_PATH = '/proc/cmdline';

/** This boot's host and instance. */
export interface BootIdentity {
  /** The daemon's host id: `h` and 26 lower-case base32 characters. */
  readonly hostId: string;
  /** The portal instance name: a DNS label. */
  readonly instance: string;
}

/** A boot identity, or why the command line does not give one. */
export type ParsedBootIdentity =
  | { readonly ok: true; readonly identity: BootIdentity }
  | { readonly ok: false; readonly problem: string };

const HOST_KEY = KERNEL_PARAMS.host;
const INSTANCE_KEY = KERNEL_PARAMS.instance;
const HOST_ID = /^h[a-z2-7]{26}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Reads `multiverse.host=` and `multiverse.instance=` from the kernel command line's text. */
export function parseBootIdentity(cmdline: string): ParsedBootIdentity {
  const tokens = cmdline.split(/\s+/).filter((token) => token !== '');
  const host = onlyValue(tokens, HOST_KEY);
  if (!host.ok) return host;
  if (!HOST_ID.test(host.value)) {
    return { ok: false, problem: `${HOST_KEY} must be "h" and 26 lower-case base32 characters` };
  }
  const instance = onlyValue(tokens, INSTANCE_KEY);
  if (!instance.ok) return instance;
  if (!DNS_LABEL.test(instance.value)) {
    return { ok: false, problem: `${INSTANCE_KEY} must be a DNS label` };
  }
  return { ok: true, identity: { hostId: host.value, instance: instance.value } };
}

/** The value of the one `key=value` token; a bare `key` counts, with an empty value. */
function onlyValue(
  tokens: readonly string[],
  key: string,
): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: string } {
  const prefix = `${key}=`;
  const values = tokens
    .filter((token) => token === key || token.startsWith(prefix))
    .map((token) => token.slice(prefix.length));
  const [value] = values;
  if (value === undefined) return { ok: false, problem: `the kernel command line has no ${key}=` };
  if (values.length > 1) {
    return { ok: false, problem: `the kernel command line has ${values.length} ${key}= entries, not one` };
  }
  return { ok: true, value };
}
