/**
 * @module The host's apt settings that layer builds need: its proxy. They are read from
 * `apt-config dump --format '%f=%v%n'` (apt's own reading of /etc/apt/apt.conf, apt.conf.d and APT_CONFIG:
 * nested braces, `#include` and `#clear` are apt's to interpret, not ours), one `Name::Path=value` per line.
 * A proxy URL may carry a password: it is handed to programs in their environment and never shown unredacted.
 * Pure: no I/O.
 */

/** apt's configuration as flat `A::B::C` names (lower-cased: apt's names ignore case) to values. */
export type AptConfig = ReadonlyMap<string, string>;

/** The configuration printed by `apt-config dump --format '%f=%v%n'`. */
export function parseAptConfigDump(text: string): AptConfig {
  const config = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    config.set(line.slice(0, at).toLowerCase(), line.slice(at + 1));
  }
  return config;
}

/**
 * The proxy apt uses for a URI: `Acquire::<scheme>::Proxy::<host>` first, then `Acquire::<scheme>::Proxy`;
 * `DIRECT` (or nothing) means none. Auto-detection scripts (`Proxy-Auto-Detect`) are not run.
 */
export function proxyFor(uri: string, config: AptConfig): string | undefined {
  const match = /^(https?):\/\/([^/:]+)/.exec(uri);
  if (!match?.[1] || !match[2]) return undefined;
  const scheme = match[1];
  const base = `acquire::${scheme}::proxy`;
  const value = config.get(`${base}::${match[2].toLowerCase()}`) ?? config.get(base);
  if (value === undefined || value === '' || value.toUpperCase() === 'DIRECT') return undefined;
  return value;
}

/** A proxy URL fit to show: any user and password replaced by `***`. */
export function redactProxy(proxy: string): string {
  return proxy.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/**
 * The environment that makes debootstrap (wget) and apt in a chroot use the host's proxy for these URIs:
 * `http_proxy` and `https_proxy`, one per scheme (the first URI of each scheme decides).
 */
export function proxyEnvironment(uris: readonly string[], config: AptConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const uri of uris) {
    const scheme = uri.startsWith('https:') ? 'https' : 'http';
    const proxy = proxyFor(uri, config);
    if (proxy !== undefined && env[`${scheme}_proxy`] === undefined) env[`${scheme}_proxy`] = proxy;
  }
  return env;
}
