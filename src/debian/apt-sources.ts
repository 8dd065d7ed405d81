/**
 * @module The host's apt sources as data: the one-line format of `sources.list` and `*.list` files
 * (`deb [signed-by=…] uri suite component…`) and the deb822 format of `*.sources` files (stanzas of
 * `Types:`, `URIs:`, `Suites:`, `Components:` …). Layers are built from what the host's apt uses, so the
 * project never names a mirror itself. A line apt itself would refuse is reported with its file and line
 * rather than skipped: building from half of the host's configuration would be building from something else.
 * Pure: no I/O.
 */

/** One source as apt reads it: a stanza of a `.sources` file, or one line of a `.list` file. */
export interface AptSource {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** Options by lower-case name (`signed-by`, `arch`, `trusted`, …), as written. */
  readonly options: Readonly<Record<string, string>>;
  /** False for a deb822 stanza with `Enabled: no`. */
  readonly enabled: boolean;
  /** `file:line` of the line or stanza. */
  readonly where: string;
}

/** The sources of one file, and what apt would refuse in it (`file:line: why`). */
export interface ParsedSources {
  readonly sources: AptSource[];
  readonly problems: string[];
}

const SOURCE_TYPES = new Set(['deb', 'deb-src']);

/** Splits `[a=b c=d]` options off the front of a one-line entry's rest. */
function splitOptions(rest: string): { options: Record<string, string>; after: string } | string {
  if (!rest.startsWith('[')) return { options: {}, after: rest };
  const close = rest.indexOf(']');
  if (close < 0) return 'unclosed "[" of the options';
  const options: Record<string, string> = {};
  for (const option of rest.slice(1, close).trim().split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z-]+)([+-]?=)(.*)$/.exec(option);
    if (!match?.[1] || match[3] === undefined) return `option "${option}" is not name=value`;
    options[match[1].toLowerCase()] = match[3];
  }
  return { options, after: rest.slice(close + 1).trim() };
}

function parseOneLine(line: string, where: string): AptSource | string {
  const [type, ...restWords] = line.split(/\s+/);
  if (!type || !SOURCE_TYPES.has(type)) return `"${type}" is not deb or deb-src`;
  const split = splitOptions(restWords.join(' '));
  if (typeof split === 'string') return split;
  const [uri, suite, ...components] = split.after.split(/\s+/).filter(Boolean);
  if (!uri || !suite) return 'a source needs a URI and a suite';
  // A suite ending in "/" is an exact path, which takes no components; any other suite needs one.
  if (suite.endsWith('/') !== (components.length === 0))
    return `suite "${suite}" and its components do not fit`;
  return {
    types: [type],
    uris: [uri],
    suites: [suite],
    components,
    options: split.options,
    enabled: true,
    where,
  };
}

/** The sources of a one-line file (`sources.list`, `*.list`); `#` starts a comment anywhere on a line. */
export function parseOneLineSources(text: string, file: string): ParsedSources {
  const sources: AptSource[] = [];
  const problems: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const where = `${file}:${index + 1}`;
    const parsed = parseOneLine(line, where);
    if (typeof parsed === 'string') problems.push(`${where}: ${parsed}`);
    else sources.push(parsed);
  }
  return { sources, problems };
}

/** The fields of each deb822 stanza (names lower-cased, continuation lines joined), with its first line. */
function stanzas(text: string): { fields: Map<string, string>; line: number; problems: string[] }[] {
  const found: { fields: Map<string, string>; line: number; problems: string[] }[] = [];
  let current: (typeof found)[number] | undefined;
  let last: string | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.startsWith('#')) continue;
    if (raw.trim() === '') {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { fields: new Map(), line: index + 1, problems: [] };
      found.push(current);
      last = undefined;
    }
    if (/^[ \t]/.test(raw)) {
      if (last === undefined) current.problems.push(`line ${index + 1}: continuation line without a field`);
      else current.fields.set(last, `${current.fields.get(last) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      current.problems.push(`line ${index + 1}: "${raw.trim()}" is not "Field: value"`);
      continue;
    }
    last = raw.slice(0, colon).trim().toLowerCase();
    current.fields.set(last, raw.slice(colon + 1).trim());
  }
  return found;
}

const WORDS = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);
const LIST_FIELDS = new Set(['types', 'uris', 'suites', 'components', 'enabled']);

/** The sources of a deb822 file (`*.sources`): one per stanza, `Enabled: no` kept as disabled. */
export function parseDeb822Sources(text: string, file: string): ParsedSources {
  const sources: AptSource[] = [];
  const problems: string[] = [];
  for (const stanza of stanzas(text)) {
    const where = `${file}:${stanza.line}`;
    problems.push(...stanza.problems.map((problem) => `${file}: ${problem}`));
    const get = (name: string) => WORDS(stanza.fields.get(name));
    const types = get('types');
    const missing = ['types', 'uris', 'suites'].filter((name) => get(name).length === 0);
    if (missing.length > 0) {
      problems.push(`${where}: the stanza has no ${missing.join(', ')}`);
      continue;
    }
    const unknown = types.filter((type) => !SOURCE_TYPES.has(type));
    if (unknown.length > 0) {
      problems.push(`${where}: type "${unknown.join(' ')}" is not deb or deb-src`);
      continue;
    }
    const options: Record<string, string> = {};
    for (const [name, value] of stanza.fields) if (!LIST_FIELDS.has(name)) options[name] = value;
    sources.push({
      types,
      uris: get('uris'),
      suites: get('suites'),
      components: get('components'),
      options,
      enabled: (stanza.fields.get('enabled') ?? 'yes').toLowerCase() !== 'no',
      where,
    });
  }
  return { sources, problems };
}

/** The sources of a file by its name as apt tells them apart: `*.sources` is deb822, anything else one-line. */
export function parseAptSourcesFile(text: string, file: string): ParsedSources {
  return file.endsWith('.sources') ? parseDeb822Sources(text, file) : parseOneLineSources(text, file);
}

/**
 * Whether apt reads a file of `sources.list.d`: only `*.list` and `*.sources` whose names are letters,
 * digits, `_`, `-` and `.` (others, such as `x.list.disabled` or `x.dpkg-old`, it ignores).
 */
export function isAptSourcesFileName(name: string): boolean {
  return /^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name);
}
