import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import type { QmpArguments } from './codec.js';
import {
  cont,
  type QmpCallOptions,
  type QmpExecutor,
  qmpCapabilities,
  queryCpusFast,
  queryStatus,
  queryVersion,
  quit,
  stop,
  systemPowerdown,
} from './commands.js';

interface Call {
  readonly name: string;
  readonly args: QmpArguments | undefined;
  readonly options: QmpCallOptions | undefined;
}

/** An executor that records each call and answers with a fixed value. */
function fakeExecutor(result: unknown = {}): QmpExecutor & { readonly calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    execute(name, args, options) {
      calls.push({ name, args, options });
      return Promise.resolve(result);
    },
  };
}

describe('QMP command wrappers', () => {
  it('send the QMP command names', async () => {
    const qmp = fakeExecutor();
    await qmpCapabilities(qmp);
    await systemPowerdown(qmp);
    await stop(qmp);
    await cont(qmp, { timeoutMs: 5 });
    await quit(qmp);
    assert.deepEqual(qmp.calls, [
      { name: 'qmp_capabilities', args: undefined, options: {} },
      { name: 'system_powerdown', args: undefined, options: {} },
      { name: 'stop', args: undefined, options: {} },
      { name: 'cont', args: undefined, options: { timeoutMs: 5 } },
      { name: 'quit', args: undefined, options: { endsSession: true } },
    ]);
  });

  it('pass capabilities to enable', async () => {
    const qmp = fakeExecutor();
    await qmpCapabilities(qmp, { enable: ['oob'] });
    assert.deepEqual(qmp.calls[0]?.args, { enable: ['oob'] });
  });

  it('mark quit as ending the session whatever the caller passes', async () => {
    const qmp = fakeExecutor();
    await quit(qmp, { timeoutMs: 9, endsSession: false });
    assert.deepEqual(qmp.calls[0]?.options, { timeoutMs: 9, endsSession: true });
  });

  it('return the typed query-status result, dropping fields nothing may rely on', async () => {
    const qmp = fakeExecutor({ status: 'prelaunch', singlestep: false, running: false });
    assert.deepEqual(await queryStatus(qmp), { status: 'prelaunch', running: false });
  });

  it('return each vCPU with its host thread from query-cpus-fast', async () => {
    const cpus = [
      { 'cpu-index': 0, 'thread-id': 4242, 'qom-path': '/machine/unattached/device[0]', target: 'x86_64' },
      { 'cpu-index': 1, 'thread-id': 4243, 'qom-path': '/machine/unattached/device[1]', target: 'x86_64' },
    ];
    assert.deepEqual(await queryCpusFast(fakeExecutor(cpus)), [
      { cpuIndex: 0, threadId: 4242 },
      { cpuIndex: 1, threadId: 4243 },
    ]);
  });

  it('return the typed query-version result', async () => {
    const version = { qemu: { micro: 22, minor: 2, major: 7 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' };
    assert.deepEqual(await queryVersion(fakeExecutor(version)), version);
  });

  it('turn a result of the wrong shape into qmp.protocol', async () => {
    await assert.rejects(queryStatus(fakeExecutor({ status: 'running' })), (error: unknown) => {
      assert.ok(error instanceof MvError);
      assert.equal(error.code, 'qmp.protocol');
      assert.match(error.message, /query-status result: running/);
      return true;
    });
    await assert.rejects(queryVersion(fakeExecutor([])), { code: 'qmp.protocol' });
  });

  it('pass executor errors through unchanged', async () => {
    const refused = new MvError('qmp.error', 'QMP command "cont" failed: GenericError: nope');
    const qmp: QmpExecutor = { execute: () => Promise.reject(refused) };
    await assert.rejects(cont(qmp), (error: unknown) => error === refused);
  });
});
