import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAptConfigDump, proxyEnvironment, proxyFor, redactProxy } from './apt-config.js';

const DUMP = [
  'Dir=/',
  'Dir::Etc=etc/apt/',
  'Acquire::http::Proxy=http://user:secret@proxy.example:3128/',
  'Acquire::http::Proxy::local.example=DIRECT',
  'Acquire::https::Proxy::archive.example=http://tls-proxy.example:8080',
  'APT::Update::Post-Invoke-Success::=/usr/bin/true',
  '',
].join('\n');

describe('the host apt settings', () => {
  const config = parseAptConfigDump(DUMP);

  it('reads apt-config dump lines into names (case-folded) and values', () => {
    assert.equal(config.get('dir::etc'), 'etc/apt/');
    assert.equal(config.get('acquire::http::proxy'), 'http://user:secret@proxy.example:3128/');
  });

  it("finds apt's proxy for a URI: per host first, then per scheme; DIRECT or nothing is none", () => {
    assert.equal(proxyFor('http://archive.example/debian', config), 'http://user:secret@proxy.example:3128/');
    assert.equal(proxyFor('http://local.example/debian', config), undefined);
    assert.equal(proxyFor('https://archive.example/debian', config), 'http://tls-proxy.example:8080');
    assert.equal(proxyFor('https://other.example/debian', config), undefined);
    assert.equal(proxyFor('http://archive.example/debian', parseAptConfigDump('')), undefined);
  });

  it('hands the proxy over as http_proxy/https_proxy, never in a shown string', () => {
    assert.deepEqual(
      proxyEnvironment(['http://archive.example/debian', 'https://archive.example/debian-security'], config),
      { http_proxy: 'http://user:secret@proxy.example:3128/', https_proxy: 'http://tls-proxy.example:8080' },
    );
    assert.equal(redactProxy('http://user:secret@proxy.example:3128/'), 'http://***@proxy.example:3128/');
    assert.equal(redactProxy('http://proxy.example:3128'), 'http://proxy.example:3128');
  });
});
