import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAptSourcesFile } from './apt-sources.js';
import {
  archiveOverrideFrom,
  planComponents,
  planDebianSources,
  planOverrideMismatches,
  renderDebianSources,
  resolveDebianArchive,
} from './archive.js';

/** A host's sources, as files of /etc/apt/sources.list.d. */
function host(files: Record<string, string>) {
  const parsed = Object.entries(files).map(([name, text]) =>
    parseAptSourcesFile(text, `/etc/apt/sources.list.d/${name}`),
  );
  return { sources: parsed.flatMap((p) => p.sources), problems: parsed.flatMap((p) => p.problems) };
}

/** What Debian 12 installs: one deb822 file with the release, its updates and the security archive. */
const DEBIAN_SOURCES = `Types: deb
URIs: http://archive.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('resolveDebianArchive', () => {
  it("takes the archive and the security archive from the host's sources, naming where each came from", () => {
    const archive = resolveDebianArchive(
      host({
        'a-thirdparty.list': 'deb https://repo.example/node nodistro main\n',
        'debian.sources': DEBIAN_SOURCES,
      }),
    );
    assert.deepEqual(archive, {
      archive: 'http://archive.example/debian',
      security: 'http://security.example/debian-security',
      archiveFrom: '/etc/apt/sources.list.d/debian.sources:1',
      securityFrom: '/etc/apt/sources.list.d/debian.sources:7',
    });
  });

  it('reads one-line sources too, and skips disabled and deb-src entries', () => {
    const list = [
      'deb-src http://src.example/debian bookworm main',
      'deb http://archive.example/debian bookworm main contrib',
      'deb http://security.example/debian-security bookworm-security main',
    ].join('\n');
    const disabled = DEBIAN_SOURCES.replace(
      'Suites: bookworm bookworm-updates',
      'Suites: bookworm\nEnabled: no',
    );
    const archive = resolveDebianArchive(
      host({ 'a.sources': disabled.split('\n\n')[0] ?? '', 'b.list': list }),
    );
    assert.equal(archive.archive, 'http://archive.example/debian');
    assert.equal(archive.archiveFrom, '/etc/apt/sources.list.d/b.list:2');
  });

  it("prefers the daemon's overrides, each on its own", () => {
    const both = resolveDebianArchive(
      { sources: [], problems: ['ignored: nothing of the host is needed'] },
      { archive: 'https://mirror.example/debian/', security: 'https://mirror.example/debian-security' },
    );
    assert.equal(both.archive, 'https://mirror.example/debian');
    assert.equal(both.archiveFrom, 'PORTALGUN_DEBIAN_MIRROR');
    assert.equal(both.securityFrom, 'PORTALGUN_DEBIAN_SECURITY_MIRROR');
    const one = resolveDebianArchive(host({ 'debian.sources': DEBIAN_SOURCES }), {
      archive: 'http://mirror.example/debian',
    });
    assert.equal(one.archive, 'http://mirror.example/debian');
    assert.equal(one.security, 'http://security.example/debian-security');
  });

  it('refuses sources for another release, naming it', () => {
    const trixie = DEBIAN_SOURCES.replaceAll('bookworm', 'trixie');
    assert.throws(() => resolveDebianArchive(host({ 'debian.sources': trixie })), {
      code: 'debian.wrong-release',
      message: /are for trixie, not bookworm/,
    });
    assert.throws(
      () => resolveDebianArchive(host({ 'x.list': 'deb http://archive.example/debian stable main\n' })),
      { code: 'debian.wrong-release', message: /are for stable/ },
    );
  });

  it('refuses a host without a Debian main archive, or without a security archive, saying what to do', () => {
    assert.throws(
      () => resolveDebianArchive(host({ 'node.list': 'deb https://repo.example/node nodistro main\n' })),
      { code: 'debian.no-archive', message: /no Debian archive with bookworm main/ },
    );
    const noSecurity = DEBIAN_SOURCES.split('\n\n')[0] ?? '';
    assert.throws(
      () => resolveDebianArchive(host({ 'debian.sources': noSecurity })),
      (error: Error & { hint?: string }) => {
        assert.equal((error as { code?: string }).code, 'debian.no-security-archive');
        assert.match(error.message, /suite bookworm-security/);
        assert.match(error.hint ?? '', /PORTALGUN_DEBIAN_SECURITY_MIRROR/);
        return true;
      },
    );
  });

  it('refuses sources apt would refuse, and archive URLs that are not plain http(s)', () => {
    assert.throws(() => resolveDebianArchive(host({ 'bad.list': 'deb http://archive.example/debian\n' })), {
      code: 'debian.sources-invalid',
      message: /bad\.list:1/,
    });
    const tor = DEBIAN_SOURCES.replace('http://archive.example/debian/', 'tor+http://archive.example/debian');
    assert.throws(() => resolveDebianArchive(host({ 'debian.sources': tor })), {
      code: 'debian.bad-archive-uri',
    });
    assert.throws(
      () =>
        resolveDebianArchive(host({}), {
          archive: 'http://x.example/$(reboot)',
          security: 'http://y.example',
        }),
      {
        code: 'debian.bad-archive-uri',
      },
    );
  });
});

describe('the sources of a layer', () => {
  const archive = resolveDebianArchive(host({ 'debian.sources': DEBIAN_SOURCES }));

  it('always lists main, then the components asked for, in Debian order, once each', () => {
    assert.deepEqual(planComponents([]), ['main']);
    assert.deepEqual(planComponents(['non-free', 'contrib', 'main', 'contrib']), [
      'main',
      'contrib',
      'non-free',
    ]);
  });

  it('lists the release and its updates on the archive, and the security suite on the security archive', () => {
    const text = renderDebianSources(planDebianSources(archive, ['main', 'contrib']));
    assert.equal(
      text,
      [
        '# Generated by portalgun: the release, its updates and its security fixes.',
        'Types: deb',
        'URIs: http://archive.example/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main contrib',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'URIs: http://security.example/debian-security',
        'Suites: bookworm-security',
        'Components: main contrib',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
      ].join('\n'),
    );
    const reparsed = parseAptSourcesFile(text, 'debian.sources');
    assert.deepEqual(reparsed.problems, [], 'apt reads what we write');
    assert.deepEqual(resolveDebianArchive(reparsed).archive, archive.archive);
  });
});

describe('the CLI and the daemon on the archive', () => {
  it('reads the overrides from an environment, empty meaning unset', () => {
    assert.deepEqual(archiveOverrideFrom({}), {});
    assert.deepEqual(
      archiveOverrideFrom({
        PORTALGUN_DEBIAN_MIRROR: '',
        PORTALGUN_DEBIAN_SECURITY_MIRROR: 'http://s.example',
      }),
      {
        security: 'http://s.example',
      },
    );
  });

  it("names each of this shell's settings the daemon does not use; trailing slashes do not count", () => {
    const daemon = {
      archive: 'http://archive.example/debian',
      security: 'http://security.example/debian-security',
    };
    assert.deepEqual(planOverrideMismatches({}, daemon), []);
    assert.deepEqual(planOverrideMismatches({ archive: 'http://archive.example/debian/' }, daemon), []);
    assert.deepEqual(planOverrideMismatches({ archive: 'http://mirror.example/debian' }, daemon), [
      "this shell's PORTALGUN_DEBIAN_MIRROR is http://mirror.example/debian, but the daemon uses http://archive.example/debian",
    ]);
    assert.equal(
      planOverrideMismatches({ security: 'http://s.example' }, { archive: null, security: null }).length,
      1,
    );
  });
});
