import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_CONFIG_PATH, CLOSED_CONFIG, parseAgentConfig, readAgentConfig } from './config.js';
import { createFakeSystem } from './fake-system.js';

const valid = {
  portalName: 'firefox.browser.application.portal',
  verbs: ['ping', 'run'],
  run: ['/usr/bin/id'],
};

describe('agent configuration', () => {
  it('accepts the image builder’s file', () => {
    assert.deepEqual(parseAgentConfig(JSON.stringify(valid)), { config: valid });
  });

  it('fails closed, with a reason, on anything else', () => {
    const cases = [
      'not json',
      '[]',
      JSON.stringify({ ...valid, extra: 1 }),
      JSON.stringify({ ...valid, portalName: 'Bad Name' }),
      JSON.stringify({ ...valid, portalName: 'x\nready other' }),
      JSON.stringify({ ...valid, verbs: ['ping', 'format-disk'] }),
      JSON.stringify({ ...valid, verbs: 'ping' }),
      JSON.stringify({ ...valid, run: ['usr/bin/id'] }),
      JSON.stringify({ ...valid, run: ['/usr/../bin/sh'] }),
      JSON.stringify({ portalName: valid.portalName, verbs: valid.verbs }),
    ];
    for (const text of cases) {
      const loaded = parseAgentConfig(text);
      assert.equal(loaded.config, CLOSED_CONFIG, text);
      assert.match(loaded.problem ?? '', /^agent configuration refused: /);
    }
    assert.deepEqual(CLOSED_CONFIG.verbs, []);
  });

  it('fails closed when the file is missing', async () => {
    const loaded = await readAgentConfig(createFakeSystem());
    assert.equal(loaded.config, CLOSED_CONFIG);
    assert.match(loaded.problem ?? '', /ENOENT/);
    const present = createFakeSystem({ [AGENT_CONFIG_PATH]: JSON.stringify(valid) });
    assert.deepEqual(await readAgentConfig(present), { config: valid });
  });
});
