/**
 * @module The star router's torrc: Tor as a transparent proxy for the star net. TransPort takes every TCP
 * connection the router's nft redirects, DNSPort takes DNS; both listen only on the router's star address.
 * Names (`.onion` included) resolve to addresses from a private virtual range that Tor maps back, so onion
 * services work through the TransPort and no name is ever looked up outside Tor. Its state lives on the
 * router's own volume; what is decided at boot (the onion services star publishes) and the owner's own
 * settings are included from a folder at the end.
 * Pure: no I/O.
 */
import { type ErrorCode, MvError } from '../errors/index.js';
import { isIpv4 } from './ipv4.js';

/** What the torrc needs. */
export interface TorrcOptions {
  /** The star router's address on the star net (10.2.2.1). */
  readonly listenAddress: string;
  readonly transPort: number;
  readonly dnsPort: number;
  readonly dataDirectory: string;
  /** The user Tor switches to after binding; its uid is the one the star ruleset lets out. */
  readonly user: string;
  /** The control socket the agent asks for new circuits on, in a folder private to Tor and root. */
  readonly controlSocket: string;
  readonly pidFile: string;
  /** Tor's notices, where the bootstrap progress is read. */
  readonly noticeLog: string;
  /** Included last: onion services and the owner's own settings, written there at boot. */
  readonly includeDir: string;
}

/** The virtual range automapped names resolve to (10.192.0.0/10 stays clear of the 10.0–10.3 portal nets). */
export const TOR_VIRTUAL_NETWORK = '10.192.0.0/10';

const BAD_INPUT: ErrorCode = 'net.invalid-config';

/** The torrc text. */
export function renderTorrc(options: TorrcOptions): string {
  const {
    listenAddress,
    transPort,
    dnsPort,
    dataDirectory,
    user,
    controlSocket,
    pidFile,
    noticeLog,
    includeDir,
  } = checkTorrc(options);
  return `${[
    '# Multiverse star router: Tor as a transparent proxy for the star net. Rendered by portalgun.',
    '',
    '# No SOCKS: clients never talk to Tor directly; the router redirects their traffic into it.',
    'SocksPort 0',
    '# Every new TCP connection from the star net, redirected here by nft. Tor isolates circuits per',
    '# client address by default, so two portals never share a circuit.',
    `TransPort ${listenAddress}:${transPort}`,
    '# DNS from the star net (UDP; Tor answers no TCP DNS), redirected here by nft, resolved inside Tor.',
    `DNSPort ${listenAddress}:${dnsPort}`,
    '# Names, .onion included, resolve to virtual addresses that the TransPort maps back, so onion',
    '# services work for transparent clients, and no name is ever looked up outside Tor.',
    'AutomapHostsOnResolve 1',
    `VirtualAddrNetworkIPv4 ${TOR_VIRTUAL_NETWORK}`,
    '# Notices to a file in memory (never on a disk), where the bootstrap progress is read.',
    `Log notice file ${noticeLog}`,
    "# Tor's state lives on the router's own volume: guards are kept across restarts (a new guard set at",
    '# every boot would give the network more chances to see you), and so are onion service keys.',
    `DataDirectory ${dataDirectory}`,
    '# Tor drops root after binding; the ruleset lets only this user open connections out of galaxy.',
    `User ${user}`,
    '# Control only on a unix socket in a folder only Tor and root may enter, never a TCP port a portal',
    "# could reach: the agent's new-identity verb sends SIGNAL NEWNYM here.",
    `ControlSocket ${controlSocket}`,
    "# The router's reset finds the running Tor here to restart it.",
    `PidFile ${pidFile}`,
    '# Last: the onion services this router publishes (from the kernel command line) and your own settings',
    '# (tor/torrc.d/*.conf in the read-only share: bridges, say), written here at boot.',
    `%include ${includeDir}`,
  ].join('\n')}\n`;
}

function checkTorrc(options: TorrcOptions): TorrcOptions {
  const problems: string[] = [];
  if (!isIpv4(options.listenAddress)) problems.push('listenAddress must be a dotted-quad IPv4 address');
  for (const key of ['transPort', 'dnsPort'] as const) {
    const port = options[key];
    if (!Number.isInteger(port) || port < 1 || port > 65_535) problems.push(`${key} must be 1 to 65535`);
  }
  if (options.transPort === options.dnsPort) problems.push('transPort and dnsPort must differ');
  for (const key of ['dataDirectory', 'controlSocket', 'pidFile', 'noticeLog', 'includeDir'] as const) {
    if (!/^\/[A-Za-z0-9._/-]*$/.test(options[key])) {
      problems.push(`${key} must be an absolute path without spaces`);
    }
  }
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(options.user) || options.user === 'root') {
    problems.push('user must be a non-root user name');
  }
  if (problems.length > 0) {
    throw new MvError(BAD_INPUT, `Cannot render torrc: ${problems.join('; ')}`, {
      hint: 'These come from the star router settings; the defaults are 9040, 5353, /var/lib/tor and tor.',
    });
  }
  return options;
}
