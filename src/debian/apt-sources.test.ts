import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isAptSourcesFileName,
  parseAptSourcesFile,
  parseDeb822Sources,
  parseOneLineSources,
} from './apt-sources.js';

describe('parseOneLineSources', () => {
  it('reads type, options, URI, suite and components, skipping comments and blank lines', () => {
    const text = [
      '# the release',
      'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://archive.example/debian bookworm main contrib',
      '',
      'deb-src http://archive.example/debian bookworm main # sources too',
      'deb [ trusted=no ] http://security.example/debian-security bookworm-security main',
      '  #deb http://archive.example/debian bookworm-backports main',
      'deb http://archive.example/exact ./',
    ].join('\n');
    const { sources, problems } = parseOneLineSources(text, '/etc/apt/sources.list');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      sources.map((s) => [s.where, s.types, s.uris, s.suites, s.components, s.options]),
      [
        [
          '/etc/apt/sources.list:2',
          ['deb'],
          ['http://archive.example/debian'],
          ['bookworm'],
          ['main', 'contrib'],
          { arch: 'amd64', 'signed-by': '/usr/share/keyrings/debian-archive-keyring.gpg' },
        ],
        [
          '/etc/apt/sources.list:4',
          ['deb-src'],
          ['http://archive.example/debian'],
          ['bookworm'],
          ['main'],
          {},
        ],
        [
          '/etc/apt/sources.list:5',
          ['deb'],
          ['http://security.example/debian-security'],
          ['bookworm-security'],
          ['main'],
          { trusted: 'no' },
        ],
        ['/etc/apt/sources.list:7', ['deb'], ['http://archive.example/exact'], ['./'], [], {}],
      ],
    );
    assert.ok(sources.every((s) => s.enabled));
  });

  it('reports what apt would refuse, with file and line', () => {
    const text = [
      'deb http://archive.example/debian',
      'rpm http://archive.example/debian bookworm main',
      'deb [signed-by=/k http://archive.example/debian bookworm main',
      'deb [arch] http://archive.example/debian bookworm main',
      'deb http://archive.example/debian bookworm',
    ].join('\n');
    const { sources, problems } = parseOneLineSources(text, 'x.list');
    assert.deepEqual(sources, []);
    assert.deepEqual(problems, [
      'x.list:1: a source needs a URI and a suite',
      'x.list:2: "rpm" is not deb or deb-src',
      'x.list:3: unclosed "[" of the options',
      'x.list:4: option "arch" is not name=value',
      'x.list:5: suite "bookworm" and its components do not fit',
    ]);
  });
});

describe('parseDeb822Sources', () => {
  it('reads each stanza: several suites and URIs, options, Enabled, comments between fields', () => {
    const text = [
      'Types: deb',
      '# a comment inside the stanza',
      'URIs: http://archive.example/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main non-free-firmware',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      '',
      'types: deb deb-src',
      'uris: http://security.example/debian-security',
      'suites: bookworm-security',
      'components: main',
      'enabled: no',
      'Signed-By:',
      ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
      ' .',
      ' mQINBF…',
      ' -----END PGP PUBLIC KEY BLOCK-----',
      '',
      '',
    ].join('\n');
    const { sources, problems } = parseDeb822Sources(text, '/etc/apt/sources.list.d/debian.sources');
    assert.deepEqual(problems, []);
    assert.equal(sources.length, 2);
    const [release, security] = sources;
    assert.deepEqual(release?.suites, ['bookworm', 'bookworm-updates']);
    assert.deepEqual(release?.components, ['main', 'non-free-firmware']);
    assert.equal(release?.options['signed-by'], '/usr/share/keyrings/debian-archive-keyring.gpg');
    assert.equal(release?.where, '/etc/apt/sources.list.d/debian.sources:1');
    assert.equal(release?.enabled, true);
    assert.deepEqual(security?.types, ['deb', 'deb-src']);
    assert.equal(security?.enabled, false);
    assert.equal(security?.where, '/etc/apt/sources.list.d/debian.sources:8');
    assert.match(security?.options['signed-by'] ?? '', /^\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\.\n/);
  });

  it('reports stanzas without the fields apt needs, and lines that are no field', () => {
    const text = [
      'Types: deb',
      'URIs: http://archive.example/debian',
      '',
      'Types: rpm',
      'URIs: x',
      'Suites: y',
      'oops',
    ].join('\n');
    const { sources, problems } = parseDeb822Sources(text, 'd.sources');
    assert.deepEqual(sources, []);
    assert.deepEqual(problems, [
      'd.sources:1: the stanza has no suites',
      'd.sources: line 7: "oops" is not "Field: value"',
      'd.sources:4: type "rpm" is not deb or deb-src',
    ]);
  });
});

describe('apt source files', () => {
  it('tells the two formats apart by the file name, as apt does', () => {
    const deb822 = 'Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\n';
    assert.equal(parseAptSourcesFile(deb822, 'x.sources').sources.length, 1);
    assert.equal(
      parseAptSourcesFile('deb http://a.example/debian bookworm main\n', 'x.list').sources.length,
      1,
    );
  });

  it('reads only *.list and *.sources files of sources.list.d', () => {
    assert.ok(isAptSourcesFileName('debian.sources'));
    assert.ok(isAptSourcesFileName('my_repo-1.list'));
    for (const name of ['x.list.disabled', 'x.sources.dpkg-old', 'x.list~', 'has space.list', '.list']) {
      assert.ok(!isAptSourcesFileName(name), name);
    }
  });
});
