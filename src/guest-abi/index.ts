/**
 * @module The host↔guest contract in one place: what the daemon, the QEMU renderer and the image builder
 * promise a guest, and what the in-guest agent and init scripts rely on. On the ground floor: it imports
 * nothing of ours, so everything may import it and the guest bundle takes it as it is.
 */
export { AGENT_VERBS, type AgentVerb, isAgentVerb } from './agent-verbs.js';
export { GUEST_NET_ARG, KERNEL_PARAMS } from './kernel-params.js';
export { LAYER_SERIAL_PREFIX } from './layers.js';
export { AGENT_PORT, SERIAL_CONSOLE, STATUS_PORT } from './ports.js';
export {
  ROUTER_PATHS,
  ROUTER_ROLES,
  ROUTER_STATES,
  type RouterRole,
  TOR_DATA,
  TOR_RUN,
  UPLINK_INTERFACE,
  WIREGUARD_INTERFACE,
} from './router.js';
export {
  DEFAULT_SHARE_MOUNT_POINT,
  SHARE_READONLY_MOUNT_POINT,
  SHARE_READONLY_TAG,
  SHARE_TAG,
} from './share.js';
