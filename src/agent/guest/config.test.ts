import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CONFIG_PATH, CLOSED_CONFIG, parseAgentConfig, readAgentConfig } from './config.js';
import { createFakeSystem } from './fake-system.js';

const OWNER = `${'a'.repeat(55)}d`;
const HOST_ID = `h${'x'.repeat(26)}`;
const CMDLINE = `console=ttyS0 panic=-1 multiverse.host=${HOST_ID} multiverse.instance=web-1 quiet\n`;

const valid = {
  owner: OWNER,
  portalName: 'firefox.browser.application.portal',
  verbs: ['ping', 'run'],
  run: ['/usr/bin/id'],
};
const expected = {
  portalName: valid.portalName,
  verbs: valid.verbs,
  run: valid.run,
  trust: { owner: OWNER, hostId: HOST_ID, instance: 'web-1' },
};

describe('agent configuration', () => {
  it('accepts the image builder’s file with the daemon’s command line', () => {
    assert.deepEqual(parseAgentConfig(JSON.stringify(valid), CMDLINE), { config: expected });
  });

  it('fails closed, with a reason, on anything else', () => {
    const { owner: _, ...ownerless } = valid;
    const cases = [
      'not json',
      '[]',
      JSON.stringify({ ...valid, extra: 1 }),
      JSON.stringify(ownerless),
      JSON.stringify({ ...valid, owner: OWNER.toUpperCase() }),
      JSON.stringify({ ...valid, owner: `${OWNER}.onion` }),
      JSON.stringify({ ...valid, owner: OWNER.slice(1) }),
      JSON.stringify({ ...valid, owner: null }),
      JSON.stringify({ ...valid, portalName: 'Bad Name' }),
      JSON.stringify({ ...valid, portalName: 'x\nready other' }),
      JSON.stringify({ ...valid, verbs: ['ping', 'format-disk'] }),
      JSON.stringify({ ...valid, verbs: 'ping' }),
      JSON.stringify({ ...valid, run: ['usr/bin/id'] }),
      JSON.stringify({ ...valid, run: ['/usr/../bin/sh'] }),
      JSON.stringify({ owner: OWNER, portalName: valid.portalName, verbs: valid.verbs }),
    ];
    for (const text of cases) {
      const loaded = parseAgentConfig(text, CMDLINE);
      assert.equal(loaded.config, CLOSED_CONFIG, text);
      assert.match(loaded.problem ?? '', /^agent configuration refused: /);
    }
    const noIdentity = parseAgentConfig(JSON.stringify(valid), 'console=ttyS0');
    assert.equal(noIdentity.config, CLOSED_CONFIG);
    assert.match(noIdentity.problem ?? '', /multiverse\.host/);
    assert.deepEqual(CLOSED_CONFIG.verbs, []);
    assert.equal(CLOSED_CONFIG.trust, undefined);
  });

  it('fails closed when the file or the command line cannot be read', async () => {
    const missing = await readAgentConfig(createFakeSystem({ '/proc/cmdline': CMDLINE }));
    assert.equal(missing.config, CLOSED_CONFIG);
    assert.match(missing.problem ?? '', /agent\.json \(ENOENT\)/);
    const noCmdline = await readAgentConfig(createFakeSystem({ [AGENT_CONFIG_PATH]: JSON.stringify(valid) }));
    assert.equal(noCmdline.config, CLOSED_CONFIG);
    assert.match(noCmdline.problem ?? '', /\/proc\/cmdline \(ENOENT\)/);
    const present = createFakeSystem({
      [AGENT_CONFIG_PATH]: JSON.stringify(valid),
      '/proc/cmdline': CMDLINE,
    });
    assert.deepEqual(await readAgentConfig(present), { config: expected });
  });
});
