/**
 * @module The galaxy router's WireGuard configuration, in the format `wg setconf` reads. That format has no
 * `Address` (a wg-quick extension): the tunnel address is set with `ip addr` and appears here only as a
 * `#` note. Keys and the endpoint are validated before anything is rendered; messages never repeat a key.
 * Pure: no I/O.
 */
import { type ErrorCode, MvError } from '../errors/index.js';
import { isIpv4, parseIpv4Cidr } from './ipv4.js';

/** A WireGuard endpoint: an IPv4 address and UDP port. */
export interface WireguardEndpoint {
  readonly address: string;
  readonly port: number;
}

/** What the tunnel needs. */
export interface WireguardConfig {
  /** Base64 of the router's 32-byte private key (a secret: it appears only in the rendered file). */
  readonly privateKey: string;
  /** The tunnel address the VPN assigned, `a.b.c.d/p`; set with `ip addr`, not by `wg`. */
  readonly address: string;
  readonly peerPublicKey: string;
  /** `a.b.c.d:port`. */
  readonly endpoint: string;
  /** What the tunnel carries; `0.0.0.0/0` sends everything. */
  readonly allowedIps: readonly string[];
  /** Seconds between keepalives, which hold the NAT mapping and the conntrack flow open; 25 by default. */
  readonly persistentKeepalive?: number;
}

const BAD_INPUT: ErrorCode = 'net.invalid-config';

/** Whether text is a WireGuard key: 44 characters of standard base64 encoding exactly 32 bytes. */
export function isWireguardKey(text: string): boolean {
  // 32 bytes are 43 base64 digits and one '='; the last digit carries 4 bits, so its low 2 bits are zero.
  return /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(text);
}

/** Reads `a.b.c.d:port`, or undefined. */
export function parseWireguardEndpoint(text: string): WireguardEndpoint | undefined {
  const match = /^([0-9.]+):([1-9][0-9]{0,4})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || !isIpv4(match[1] ?? '') || port > 65_535) return undefined;
  return { address: match[1] ?? '', port };
}

/** Every problem with a configuration (empty when it is valid); no message contains a key. */
export function checkWireguardConfig(config: WireguardConfig): string[] {
  const problems: string[] = [];
  if (!isWireguardKey(config.privateKey)) problems.push('privateKey is not a WireGuard key');
  if (!isWireguardKey(config.peerPublicKey)) problems.push('peerPublicKey is not a WireGuard key');
  if (config.privateKey === config.peerPublicKey) problems.push('the peer key equals the private key');
  if (!parseIpv4Cidr(config.address)) problems.push(`address "${config.address}" is not a.b.c.d/prefix`);
  if (!parseWireguardEndpoint(config.endpoint)) {
    problems.push(`endpoint "${config.endpoint}" is not an IPv4 address and port (a.b.c.d:port)`);
  }
  if (config.allowedIps.length === 0) problems.push('allowedIps is empty');
  for (const cidr of config.allowedIps) {
    if (!parseIpv4Cidr(cidr)) problems.push(`allowed IP "${cidr}" is not a.b.c.d/prefix`);
  }
  const keepalive = config.persistentKeepalive ?? 25;
  if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 65_535) {
    problems.push('persistentKeepalive must be 0 to 65535 seconds');
  }
  return problems;
}

/** The configuration text for `wg setconf wg0 <file>`; throws `net.invalid-config` listing every problem. */
export function renderWireguardConfig(config: WireguardConfig): string {
  const problems = checkWireguardConfig(config);
  if (problems.length > 0) {
    throw new MvError(BAD_INPUT, `Cannot render the WireGuard configuration: ${problems.join('; ')}`, {
      hint: 'Keys are 44-character base64 (wg genkey, wg pubkey); the endpoint is the server as a.b.c.d:port.',
    });
  }
  return `${[
    '# Multiverse galaxy router: WireGuard tunnel for wg setconf. Rendered by portalgun.',
    `# The tunnel address ${config.address} is set with ip addr: wg setconf has no Address key.`,
    '[Interface]',
    `PrivateKey = ${config.privateKey}`,
    '',
    '[Peer]',
    `PublicKey = ${config.peerPublicKey}`,
    `Endpoint = ${config.endpoint}`,
    `AllowedIPs = ${config.allowedIps.join(', ')}`,
    `PersistentKeepalive = ${config.persistentKeepalive ?? 25}`,
  ].join('\n')}\n`;
}
