import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_VERBS, type AgentVerb, ROUTER_PATHS, TOR_RUN } from '../../guest-abi/index.js';
import { createTestSigner, TEST_BOOT, TEST_NOW } from '../_test-envelopes.js';
import type { JsonValue } from '../protocol.js';
import { createAuthenticator } from './authenticate.js';
import { type AgentConfig, CLOSED_CONFIG } from './config.js';
import { dispatchRequest } from './dispatch.js';
import { createFakeSystem, FAKE_NOW, type FakeProgram, type FakeSystem } from './fake-system.js';
import { VERB_HANDLERS } from './handlers/index.js';
import { ROUTER_FILES } from './handlers/router.js';
import { ShellSessions } from './shell-sessions.js';

const signer = createTestSigner('dispatch');
const config: AgentConfig = {
  portalName: 'test.portal',
  verbs: [...AGENT_VERBS],
  run: ['/usr/bin/report'],
  trust: { owner: signer.owner, ...TEST_BOOT },
};
const authenticator = createAuthenticator(config.trust);

const PROC = {
  '/proc/uptime': '3600.99 100.00\n',
  '/proc/loadavg': '0.50 0.25 0.10 1/50 300\n',
  '/proc/meminfo': 'MemTotal: 1024 kB\nMemFree: 100 kB\nMemAvailable: 512 kB\n',
  '/proc/sys/kernel/hostname': 'portal\n',
  '/proc/mounts': 'proc /proc proc rw 0 0\nmultiverse-portal /mnt/multiverse-portal 9p rw 0 0\n',
  '/proc/1/comm': 'init\n',
  '/proc/42/comm': 'node\n',
  '/proc/self/comm': 'self\n',
};

async function call(
  verb: AgentVerb,
  args: string[],
  options: { system?: FakeSystem; config?: AgentConfig; auth?: string | undefined } = {},
): Promise<{ ok: boolean; value: JsonValue | string }> {
  const system = options.system ?? createFakeSystem(PROC);
  const context = { config: options.config ?? config, system, shells: new ShellSessions(system) };
  const auth = 'auth' in options ? options.auth : signer.exec(verb, args);
  const request = auth === undefined ? { id: 9, verb, args } : { id: 9, verb, args, auth };
  const { response } = await dispatchRequest(request, context, { authenticator });
  assert.equal(response.id, 9);
  return response.ok ? { ok: true, value: response.result } : { ok: false, value: response.error.code };
}

describe('dispatch', () => {
  it('refuses what the envelope does not authorise, before looking at the portal’s verbs', async () => {
    assert.equal(FAKE_NOW, TEST_NOW, 'envelopes are signed at the fake guest’s time');
    const unauthenticated = { ok: false, value: 'agent.unauthenticated' };
    assert.deepEqual(await call('ping', [], { auth: undefined }), unauthenticated);
    assert.deepEqual(await call('ping', [], { auth: signer.exec('hostname') }), unauthenticated);
    const onlyStatus = { ...config, verbs: ['status'] as const };
    assert.deepEqual(await call('ping', [], { config: onlyStatus, auth: undefined }), unauthenticated);
    const system = createFakeSystem(PROC);
    system.time += 61_000;
    assert.deepEqual(await call('ping', [], { system }), unauthenticated);
  });

  it('fails closed without a configuration: nothing is authenticated', async () => {
    const closedSystem = createFakeSystem(PROC);
    const closed = { config: CLOSED_CONFIG, system: closedSystem, shells: new ShellSessions(closedSystem) };
    const { response } = await dispatchRequest(
      { id: 2, verb: 'ping', args: [], auth: signer.exec('ping') },
      closed,
      {
        authenticator: createAuthenticator(CLOSED_CONFIG.trust),
      },
    );
    assert.deepEqual(response, {
      id: 2,
      ok: false,
      error: { code: 'agent.unauthenticated', message: 'this agent has no owner configured' },
    });
  });

  it('refuses verbs the portal does not allow, and allowed verbs this agent lacks', async () => {
    assert.deepEqual(await call('ping', [], { config: { ...config, verbs: ['status'] } }), {
      ok: false,
      value: 'agent.verb-not-allowed',
    });
    const request = { id: 9, verb: 'reset' as const, args: [], auth: signer.exec('reset', []) };
    const system = createFakeSystem(PROC);
    const context = { config, system, shells: new ShellSessions(system) };
    const { response } = await dispatchRequest(request, context, { authenticator, handlers: {} });
    assert.deepEqual(response.ok ? 'ok' : response.error.code, 'agent.unknown-verb');
  });

  it('implements every verb of the protocol', () => {
    assert.deepEqual(Object.keys(VERB_HANDLERS).sort(), [...AGENT_VERBS].sort());
  });

  it('turns unexpected handler failures into agent.command-failed', async () => {
    assert.deepEqual(await call('status', [], { system: createFakeSystem() }), {
      ok: false,
      value: 'agent.command-failed',
    });
  });

  it('answers ping and status', async () => {
    assert.deepEqual(await call('ping', []), { ok: true, value: 'pong' });
    assert.deepEqual(await call('ping', ['x']), { ok: false, value: 'agent.bad-args' });
    assert.deepEqual(await call('status', []), {
      ok: true,
      value: {
        uptimeSeconds: 3600,
        load: [0.5, 0.25, 0.1],
        memory: { totalKiB: 1024, availableKiB: 512 },
        hostname: 'portal',
        processes: [
          { pid: 1, name: 'init' },
          { pid: 42, name: 'node' },
        ],
        mounts: [
          { source: 'proc', target: '/proc', type: 'proc' },
          { source: 'multiverse-portal', target: '/mnt/multiverse-portal', type: '9p' },
        ],
        router: null,
      },
    });
  });

  it('reads and sets the hostname, refusing anything but a DNS label', async () => {
    const system = createFakeSystem(PROC);
    assert.deepEqual(await call('hostname', [], { system }), { ok: true, value: { hostname: 'portal' } });
    assert.deepEqual(await call('hostname', ['web-1'], { system }), {
      ok: true,
      value: { hostname: 'web-1' },
    });
    for (const bad of ['Web', '-a', 'a-', 'a.b', 'a'.repeat(64), '']) {
      assert.deepEqual(
        await call('hostname', [bad], { system }),
        { ok: false, value: 'agent.bad-args' },
        bad,
      );
    }
    assert.equal(system.files.get('/proc/sys/kernel/hostname'), 'web-1');
  });
});

describe('run', () => {
  const report: FakeProgram = (args) => ({
    exitCode: 3,
    stdout: args.join(' '),
    stderr: 'warn',
    truncated: true,
  });

  it('runs an allow-listed program with its arguments and returns its outcome', async () => {
    const system = createFakeSystem({}, { '/usr/bin/report': report });
    assert.deepEqual(await call('run', ['/usr/bin/report', '--all', 'a b'], { system }), {
      ok: true,
      value: { exitCode: 3, signal: null, stdout: '--all a b', stderr: 'warn', truncated: true },
    });
    assert.deepEqual(system.runs, [['/usr/bin/report', '--all', 'a b']]);
  });

  it('refuses paths outside the list, relative paths and a missing path', async () => {
    const system = createFakeSystem({}, { '/bin/sh': report });
    assert.deepEqual(await call('run', ['/bin/sh', '-c', 'id'], { system }), {
      ok: false,
      value: 'agent.command-not-allowed',
    });
    assert.deepEqual(await call('run', ['/usr/bin/report/'], { system }), {
      ok: false,
      value: 'agent.command-not-allowed',
    });
    assert.deepEqual(await call('run', ['report'], { system }), { ok: false, value: 'agent.bad-args' });
    assert.deepEqual(await call('run', [], { system }), { ok: false, value: 'agent.bad-args' });
    assert.deepEqual(system.runs, []);
  });

  it('reports a program that cannot start or runs past its deadline', async () => {
    assert.deepEqual(await call('run', ['/usr/bin/report']), { ok: false, value: 'agent.command-failed' });
    const slow = createFakeSystem({}, { '/usr/bin/report': () => ({ timedOut: true, signal: 'SIGKILL' }) });
    assert.deepEqual(await call('run', ['/usr/bin/report'], { system: slow }), {
      ok: false,
      value: 'agent.timeout',
    });
  });
});

describe('net-config', () => {
  const ipOutput =
    '2: eth0: <BROADCAST,UP> mtu 1500\n    link/ether 00:00:10:02:02:0a brd ff:ff:ff:ff:ff:ff\n';

  it('lists interfaces, and applies settings through ip before listing them', async () => {
    const system = createFakeSystem(
      {},
      { '/bin/ip': (args) => ({ stdout: args[0] === 'addr' ? ipOutput : '' }) },
    );
    const interfaces = { interfaces: [{ name: 'eth0', mac: '00:00:10:02:02:0a', up: true, addresses: [] }] };
    assert.deepEqual(await call('net-config', [], { system }), { ok: true, value: interfaces });
    system.runs.length = 0;
    assert.deepEqual(await call('net-config', ['set', 'eth0', '10.2.2.10/24', '10.2.2.1'], { system }), {
      ok: true,
      value: interfaces,
    });
    assert.deepEqual(system.runs, [
      ['/bin/ip', 'link', 'set', 'eth0', 'up'],
      ['/bin/ip', 'addr', 'replace', '10.2.2.10/24', 'dev', 'eth0'],
      ['/bin/ip', 'route', 'replace', 'default', 'via', '10.2.2.1'],
      ['/bin/ip', 'addr', 'show'],
    ]);
  });

  it('refuses bad arguments before running anything, and reports a failing ip', async () => {
    const failing = createFakeSystem(
      {},
      { '/bin/ip': () => ({ exitCode: 2, stderr: 'ip: RTNETLINK answers: File exists\n' }) },
    );
    assert.deepEqual(await call('net-config', ['set', 'eth0', '10.2.2.10'], { system: failing }), {
      ok: false,
      value: 'agent.bad-args',
    });
    assert.deepEqual(await call('net-config', ['show'], { system: failing }), {
      ok: false,
      value: 'agent.bad-args',
    });
    assert.deepEqual(failing.runs, []);
    assert.deepEqual(await call('net-config', ['set', 'eth0', '10.2.2.10/24'], { system: failing }), {
      ok: false,
      value: 'agent.command-failed',
    });
    assert.equal(failing.runs.length, 1);
  });
});

describe('mount-share', () => {
  const FSTAB =
    'multiverse-portal /mnt/multiverse-portal 9p trans=virtio,nofail 0 0\n' +
    '/mnt/multiverse-portal/media /home/user/Media none bind,ro,nofail,x-mount.mkdir 0 0\n' +
    '/mnt/multiverse-portal/docs /home/user/Docs none bind 0 0\n' +
    '/dev/vda / ext4 defaults 0 1\n';

  it('mounts each share line whose target is not mounted, and reports each failure', async () => {
    const mount: FakeProgram = (args) =>
      args.at(-1) === '/home/user/Docs'
        ? { exitCode: 32, stderr: 'mount: mounting failed: No such device\n' }
        : {};
    const system = createFakeSystem({ ...PROC, '/etc/fstab': FSTAB }, { '/bin/mount': mount });
    assert.deepEqual(await call('mount-share', [], { system }), {
      ok: true,
      value: {
        mounted: ['/home/user/Media'],
        failed: [
          {
            target: '/home/user/Docs',
            message:
              '/bin/mount -t none -o bind /mnt/multiverse-portal/docs /home/user/Docs failed: mount: mounting failed: No such device',
          },
        ],
      },
    });
    assert.deepEqual(system.dirs, ['/home/user/Media', '/home/user/Docs']);
    assert.deepEqual(system.runs[0], [
      '/bin/mount',
      '-t',
      'none',
      '-o',
      'bind,ro',
      '/mnt/multiverse-portal/media',
      '/home/user/Media',
    ]);
  });
});

describe('poweroff', () => {
  it('answers first and leaves sync and power-off for after the reply', async () => {
    const system = createFakeSystem({}, { '/bin/busybox': () => ({}) });
    const auth = signer.sign('portal.down', { name: TEST_BOOT.instance, force: false });
    const { response, afterReply } = await dispatchRequest(
      { id: 1, verb: 'poweroff', args: [], auth },
      { config, system, shells: new ShellSessions(system) },
      { authenticator },
    );
    assert.deepEqual(response, { id: 1, ok: true, result: { poweringOff: true } });
    assert.deepEqual(system.runs, []);
    await afterReply?.();
    assert.deepEqual(system.runs, [
      ['/bin/busybox', 'sync'],
      ['/bin/busybox', 'poweroff', '-f'],
    ]);
  });

  it('powers off even when sync fails', async () => {
    const system = createFakeSystem(
      {},
      { '/bin/busybox': (args) => ({ exitCode: args[0] === 'sync' ? 1 : 0 }) },
    );
    const auth = signer.sign('portal.down', { name: TEST_BOOT.instance });
    const { afterReply } = await dispatchRequest(
      { id: 1, verb: 'poweroff', args: [], auth },
      { config, system, shells: new ShellSessions(system) },
      { authenticator },
    );
    await assert.rejects(afterReply?.() ?? Promise.resolve(), /sync failed/);
    assert.deepEqual(system.runs.at(-1), ['/bin/busybox', 'poweroff', '-f']);
  });
});

describe('router verbs', () => {
  const KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
  const script =
    (stdout: string, exitCode = 0): FakeProgram =>
    () => ({ stdout, exitCode });
  const routerFiles = { [ROUTER_FILES.up]: '', [ROUTER_FILES.switchEndpoint]: '' };

  it('uses the files the router image carries', () => {
    assert.deepEqual(
      [ROUTER_FILES.up, ROUTER_FILES.switchEndpoint, ROUTER_FILES.torControl],
      [ROUTER_PATHS.up, ROUTER_PATHS.switchEndpoint, TOR_RUN.controlSocket],
    );
  });

  it('reset runs router-up.sh and reports the hop up, or the state it is in instead', async () => {
    const up = createFakeSystem(routerFiles, { [ROUTER_FILES.up]: script('up\n') });
    assert.deepEqual(await call('reset', [], { system: up }), { ok: true, value: { state: 'up' } });
    assert.deepEqual(up.runs, [[ROUTER_FILES.up]]);
    const down = createFakeSystem(routerFiles, { [ROUTER_FILES.up]: script('tunnel-down\n', 1) });
    assert.deepEqual(await call('reset', [], { system: down }), { ok: false, value: 'agent.command-failed' });
    assert.deepEqual(await call('reset', ['now'], { system: up }), { ok: false, value: 'agent.bad-args' });
  });

  it('refuses router verbs on a portal that is no router, running nothing', async () => {
    const plain = createFakeSystem(PROC);
    for (const [verb, args] of [
      ['reset', []],
      ['new-identity', []],
      ['switch-endpoint', ['203.0.113.9:443', KEY]],
    ] as const) {
      assert.deepEqual(await call(verb, [...args], { system: plain }), {
        ok: false,
        value: 'agent.not-applicable',
      });
    }
    assert.deepEqual(plain.runs, []);
  });

  it('switch-endpoint checks its arguments before handing them to the script', async () => {
    const system = createFakeSystem(routerFiles, { [ROUTER_FILES.switchEndpoint]: script('up\n') });
    for (const args of [
      [],
      ['203.0.113.9:443'],
      ['203.0.113.9', KEY],
      ['203.0.113.9:443; reboot', KEY],
      ['203.0.113.9:99999', KEY],
      ['203.0.113.9:443', 'not-a-key'],
      ['203.0.113.9:443', KEY, 'extra'],
    ]) {
      assert.deepEqual(await call('switch-endpoint', args, { system }), {
        ok: false,
        value: 'agent.bad-args',
      });
    }
    assert.deepEqual(system.runs, []);
    assert.deepEqual(await call('switch-endpoint', ['203.0.113.9:443', KEY], { system }), {
      ok: true,
      value: { endpoint: '203.0.113.9:443', state: 'up' },
    });
    assert.deepEqual(system.runs, [[ROUTER_FILES.switchEndpoint, '203.0.113.9', '443', KEY]]);
  });

  it("new-identity sends NEWNYM on Tor's control socket and checks both answers", async () => {
    const tor = { '/run/tor/control': '' };
    const agreeing = createFakeSystem(
      tor,
      {},
      {
        [ROUTER_FILES.torControl]: () => '250 OK\r\n250 OK\r\n250 closing connection\r\n',
      },
    );
    assert.deepEqual(await call('new-identity', [], { system: agreeing }), {
      ok: true,
      value: { newnym: true },
    });
    assert.deepEqual(agreeing.conversations, [
      [ROUTER_FILES.torControl, 'AUTHENTICATE\r\nSIGNAL NEWNYM\r\nQUIT\r\n'],
    ]);
    const refusing = createFakeSystem(
      tor,
      {},
      {
        [ROUTER_FILES.torControl]: () => '515 Authentication failed\r\n',
      },
    );
    assert.deepEqual(await call('new-identity', [], { system: refusing }), {
      ok: false,
      value: 'agent.command-failed',
    });
    const silent = createFakeSystem(tor);
    assert.deepEqual(await call('new-identity', [], { system: silent }), {
      ok: false,
      value: 'agent.command-failed',
    });
  });
});
