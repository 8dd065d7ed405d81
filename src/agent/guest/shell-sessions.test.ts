import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { SHELL_LIMITS } from '../shell.js';
import { createFakeSystem } from './fake-system.js';
import { SHELL_PROGRAM, ShellSessions } from './shell-sessions.js';

const MOUNTED = { '/proc/mounts': 'devpts /dev/pts devpts rw 0 0\n' };
const terminal = { cols: 80, rows: 24, term: 'xterm' };
const noSession = (error: unknown) => error instanceof MvError && error.code === 'agent.no-session';

function setup(files: Record<string, string> = MOUNTED) {
  const system = createFakeSystem(files, { '/bin/busybox': () => ({}) });
  return { system, shells: new ShellSessions(system) };
}

describe('ShellSessions', () => {
  it('starts telnetd on a sized terminal, types keystrokes and returns the output without telnet', async () => {
    const { system, shells } = setup();
    const { session } = await shells.open('k1', terminal);
    const [program] = system.interactive;
    assert.deepEqual(
      [program?.request.file, ...(program?.request.args ?? [])],
      [SHELL_PROGRAM.file, ...SHELL_PROGRAM.args],
    );
    assert.equal(program?.request.env.TERM, 'xterm');
    assert.deepEqual([...(program?.written[0] ?? [])], [0xff, 0xfa, 0x1f, 0, 80, 0, 24, 0xff, 0xf0]);
    program?.request.onOutput(Buffer.from([0xff, 0xfd, 0x01, 0x23, 0x20]));
    const reply = await shells.io('k1', session, Buffer.from('id\n'), 0);
    assert.equal(program?.written[1]?.toString(), 'id\n');
    assert.equal(Buffer.from(reply.output, 'base64url').toString(), '# ');
    assert.equal(reply.closed, false);
  });

  it('waits for output up to the wait, and reports the end once the output is read', async () => {
    const { system, shells } = setup();
    const { session } = await shells.open('k1', terminal);
    const program = system.interactive[0];
    setTimeout(() => program?.request.onOutput(Buffer.from('late')), 5);
    const reply = await shells.io('k1', session, Buffer.alloc(0), 1000);
    assert.equal(Buffer.from(reply.output, 'base64url').toString(), 'late');
    program?.request.onOutput(Buffer.from('bye'));
    program?.request.onExit();
    const last = await shells.io('k1', session, Buffer.alloc(0), 1000);
    assert.deepEqual([Buffer.from(last.output, 'base64url').toString(), last.closed], ['bye', true]);
    await assert.rejects(shells.io('k1', session, Buffer.alloc(0), 0), noSession);
  });

  it("answers another key's session as missing, and closes on request", async () => {
    const { system, shells } = setup();
    const { session } = await shells.open('k1', terminal);
    await assert.rejects(shells.io('k2', session, Buffer.from('x'), 0), noSession);
    assert.throws(() => shells.close('k2', session), noSession);
    assert.equal(system.interactive[0]?.written.length, 1);
    assert.deepEqual(shells.close('k1', session), { session, output: '', closed: true });
    assert.equal(system.interactive[0]?.killed, true);
  });

  it('caps the sessions of a portal, and ends abandoned and idle ones', async () => {
    const { system, shells } = setup();
    const ids: string[] = [];
    for (let i = 0; i < SHELL_LIMITS.maxSessions; i += 1)
      ids.push((await shells.open('k', terminal)).session);
    await assert.rejects(
      shells.open('k', terminal),
      (e: unknown) => e instanceof MvError && e.code === 'agent.busy',
    );
    system.time += SHELL_LIMITS.abandonedMs - 1;
    await shells.io('k', ids[0] ?? '', Buffer.from('x'), 0);
    system.time += 2;
    shells.sweep(system.time);
    assert.equal(shells.size, 1);
    assert.deepEqual(
      system.interactive.map((p) => p.killed),
      [false, true, true, true],
    );
    for (let i = 0; i < SHELL_LIMITS.idleMs / SHELL_LIMITS.abandonedMs; i += 1) {
      system.time += SHELL_LIMITS.abandonedMs - 1;
      await shells.io('k', ids[0] ?? '', Buffer.alloc(0), 0).catch(() => undefined);
    }
    assert.equal(shells.size, 0);
  });

  it('pauses a shell whose unread output reaches the cap, and resumes it as it is read', async () => {
    const { system, shells } = setup();
    const { session } = await shells.open('k', terminal);
    const program = system.interactive[0];
    program?.request.onOutput(Buffer.alloc(SHELL_LIMITS.maxBufferedBytes, 0x61));
    assert.equal(program?.paused, true);
    let read = 0;
    while (program?.paused)
      read += Buffer.from((await shells.io('k', session, Buffer.alloc(0), 0)).output, 'base64url').length;
    assert.ok(read <= SHELL_LIMITS.maxBufferedBytes);
  });

  it('mounts devpts first when /dev/pts is not mounted', async () => {
    const { system, shells } = setup({ '/proc/mounts': 'proc /proc proc rw 0 0\n' });
    await shells.open('k', terminal);
    assert.deepEqual(system.runs[0]?.slice(0, 4), ['/bin/busybox', 'mount', '-t', 'devpts']);
  });
});
