import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runFiles } from '../../instance/index.js';
import { consoleText, rotateConsoleLog } from './log-folder.js';

describe('console log rotation', () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'mv-logs-'));
  mkdirSync(runFiles(runDir).logs);
  after(() => rmSync(runDir, { recursive: true, force: true }));
  const { consoleLog, consoleLogOld } = runFiles(runDir);

  it('leaves a log within a quarter of the folder alone', async () => {
    writeFileSync(consoleLog, 'boot\n');
    assert.equal(await rotateConsoleLog(runDir, 1), false);
    assert.equal(readFileSync(consoleLog, 'utf8'), 'boot\n');
  });

  it('keeps the last quarter-folder as the older part and empties the log', async () => {
    writeFileSync(consoleLog, `${'a'.repeat(1024 * 1024)}latest\n`);
    assert.equal(await rotateConsoleLog(runDir, 1), true);
    assert.equal(readFileSync(consoleLog, 'utf8'), '');
    const older = readFileSync(consoleLogOld, 'utf8');
    assert.equal(older.length, 256 * 1024);
    assert.ok(older.endsWith('latest\n'));
    writeFileSync(consoleLog, 'after\n', { flag: 'a' });
    assert.ok((await consoleText(runDir))?.toString('utf8').endsWith('latest\nafter\n'));
  });

  it('has no text for a portal without a console', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'mv-logs-'));
    assert.equal(await consoleText(bare), undefined);
    rmSync(bare, { recursive: true });
  });
});
