/**
 * @module Public surface of the net domain: the daemon namespace's bridges and ports, what each guest is
 * told about its NICs, the router and bridge nftables rulesets, the torrc and WireGuard configuration, and
 * the exit path and chain drawings of a catalogue.
 * Pure: no I/O (`net/host` applies all of it).
 */
export { PORT_TABLE, renderPortRuleset } from './bridge-rules.js';
export { type Member, membersOn, renderChainDot, renderChainText } from './graph.js';
export { planGuestNet, renderGuestNetArg, withGuestNet } from './guest-net.js';
export {
  formatGuestNetArg,
  GUEST_NETWORK_PREFIXES,
  type GuestNetConfig,
  type GuestNic,
  type GuestUplink,
  parseGuestNetArg,
} from './guest-net-arg.js';
export { NFT_COMMENT_MAX } from './nft-text.js';
export { formatOnionArg, type OnionService, onionServicesOf, withOnionServices } from './onion.js';
export { type BridgePort, bridgeName, namespaceName, type PortRole, portsOf } from './plan.js';
export {
  type ExitEnd,
  type ExitHop,
  type ExitPath,
  exitPath,
  formatExitPath,
  gatewayNetworkOf,
  routersOf,
} from './route.js';
export {
  type GalaxyRulesetOptions,
  renderEndpointSwap,
  renderRouterRuleset,
  type StarRulesetOptions,
  TOR_DNS_PORT,
  TOR_TRANS_PORT,
  type UniverseRulesetOptions,
} from './router-rules.js';
export { renderTorrc, TOR_VIRTUAL_NETWORK, type TorrcOptions } from './torrc.js';
export {
  checkWireguardConfig,
  isWireguardKey,
  parseWireguardEndpoint,
  renderWireguardConfig,
  type WireguardConfig,
  type WireguardEndpoint,
} from './wireguard.js';
