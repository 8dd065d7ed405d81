import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { envelopeFor, openVerdict, type Verdict } from '../../../test/support/signed-client.js';
import type { AuditEntry, AuditFields } from '../../audit/index.js';
import { chainEntry } from '../../audit/index.js';
import { canonicalJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE, RateLimiter } from '../../policy/index.js';
import {
  METHODS,
  type MethodName,
  SEAL_INFO,
  SEALED,
  SEALED_REPLY,
  SIGNED_BODY,
} from '../../protocol/index.js';
import {
  type Certificate,
  draftEnvelope,
  envelopeDigest,
  hostKeyFromSeed,
  type JsonValue,
  openSealed,
  type SessionKey,
  verifyHostReply,
} from '../../scramble/index.js';
import { ReplayStore } from '../state/replay-store.js';
import { Authorizer } from './authorizer.js';
import type { ResolveTargets } from './call-targets.js';
import { memoryHostTrust, type TrustWorld } from './host-trust-memory.js';
import type { Caller, Handler, HandlerContext } from './server.js';
import { handleSignedCall, UNDECLARED_ERROR } from './signed-call.js';
import { createTestOwner, TEST_HOST_ID, TEST_NOW } from './test-owner.js';

const owner = createTestOwner('door-owner');
/** The tests' host key: every answer must carry its signature. */
const HOST_KEY = hostKeyFromSeed(new Uint8Array(32).fill(9));
const SIGNING_HOST = { hostId: TEST_HOST_ID, publicKey: HOST_KEY.publicKey };
const stranger = createTestOwner('door-stranger');
const DAY_MS = 86_400_000;

/** What a handler saw when the door let a call through. */
interface Ran {
  readonly method: string;
  readonly params: unknown;
  readonly caller: Caller | undefined;
}

/** The tests' host: the owner registered, the default policy installed, nothing revoked. */
const HOST: TrustWorld = {
  hostId: TEST_HOST_ID,
  owner: owner.record,
  policyFiles: [{ name: DEFAULT_POLICY_FILE, text: DEFAULT_POLICY }],
};

/** A door over an in-memory world, recording what got through. */
function openDoor(world: TrustWorld = HOST, resolveTargets?: ResolveTargets, now = TEST_NOW) {
  const audit: AuditFields[] = [];
  let last: AuditEntry | undefined;
  const log = {
    append: async (fields: AuditFields) => {
      last = chainEntry(last, fields);
      audit.push(fields);
      return last;
    },
  };
  const ran: Ran[] = [];
  const notes: Record<string, unknown>[] = [];
  const logged: string[] = [];
  let reads = 0;
  const handler =
    (method: string): Handler =>
    async (params, context) => {
      ran.push({ method, params, caller: context.caller });
      if (method === 'portal.status') throw new MvError('portal.not-found', 'No portal "work"');
      // A code portal.console does not declare: the handler breaks the method's error contract.
      if (method === 'portal.console') {
        throw new MvError('image.busy', 'The image store is busy', { hint: 'Run it again later.' });
      }
      if (method === 'portal.screenshot') throw new TypeError('cannot read properties of undefined');
      if (method === 'portal.logs') context.progress('reading the log');
      if (method === 'portal.exec') {
        const release = await context.caller?.authorize('agent.ping', 'work');
        release?.();
      }
      return { ran: method };
    };
  const deps = {
    readTrust: () => {
      reads += 1;
      return memoryHostTrust(world);
    },
    clock: () => now,
    hostKey: HOST_KEY,
    replay: new ReplayStore(new Database(':memory:'), { boot: 'test', now: () => 0 }),
    authorizer: new Authorizer({ clock: () => now }, log, new RateLimiter({ now: () => 0 })),
    handlers: Object.fromEntries(Object.keys(METHODS).map((m) => [m, handler(m)])) as Record<
      MethodName,
      Handler
    >,
    log: (line: string) => logged.push(line),
    ...(resolveTargets === undefined ? {} : { resolveTargets }),
  };
  const context: HandlerContext = {
    progress: () => undefined,
    notify: (params) => notes.push(params),
    signal: new AbortController().signal,
    takeOver: () => undefined,
  };
  const answer = (bytes: Uint8Array, text = Buffer.from(bytes).toString('base64url')) =>
    handleSignedCall(text, deps, context);
  const call = async (bytes: Uint8Array, text?: string) => {
    const answered = await answer(bytes, text);
    assert.ok('sealed' in answered, 'the answer is sealed');
    return answered.sealed;
  };
  return {
    audit,
    ran,
    notes,
    logged,
    reads: () => reads,
    answer,
    call,
    /** Sends one envelope and opens the sealed reply as the owner, checking the host's signature. */
    send: async (bytes: Uint8Array): Promise<Verdict> =>
      openVerdict(await call(bytes), bytes, owner.session, SIGNING_HOST),
  };
}

/** An envelope signed now, for this host, by the owner's session unless told otherwise. */
function envelope(
  verb: string,
  options: { key?: SessionKey; args?: JsonValue; target?: string; now?: number; lifetimeMs?: number } = {},
): Uint8Array {
  return envelopeFor(options.key ?? owner.session.signing, {
    target: options.target ?? TEST_HOST_ID,
    verb,
    args: options.args ?? {},
    now: options.now ?? TEST_NOW,
    ...(options.lifetimeMs === undefined ? {} : { lifetimeMs: options.lifetimeMs }),
  });
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The code of a refusal the door could not seal; it must be signed by the host and carry no result. */
async function refusedUnsealed(door: ReturnType<typeof openDoor>, bytes: Uint8Array): Promise<string> {
  const answer = await door.answer(bytes);
  assert.ok('refused' in answer, 'a refusal, not a sealed reply');
  const binding = { kind: 'refusal', hostId: TEST_HOST_ID, envelopeDigest: envelopeDigest(bytes) } as const;
  assert.equal(verifyHostReply(HOST_KEY.publicKey, binding, answer.refused), true);
  const error = JSON.parse(answer.refused.body) as { data: { code: string }; result?: unknown };
  assert.equal(error.result, undefined);
  return error.data.code;
}
const fieldsOf = (bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

describe('the signed door (handleSignedCall)', () => {
  it("runs a valid envelope's method as the verified caller, audits the allow, and seals the result", async () => {
    const door = openDoor();
    assert.deepEqual(await door.send(envelope('portal.list')), { ok: true, result: { ran: 'portal.list' } });
    const [ran] = door.ran;
    assert.equal(ran?.caller?.scrambleId, owner.record.scrambleId);
    assert.equal(ran?.caller?.kid, owner.session.signing.kid);
    assert.equal(ran?.caller?.trust.hostId, TEST_HOST_ID, 'the method runs under the same snapshot');
    assert.deepEqual(
      door.audit.map((e) => [e.decision, e.code, e.verb, e.target]),
      [['allow', 'ok', 'portal.list', TEST_HOST_ID]],
    );
    assert.equal(door.reads(), 1, 'the host trust is read once per call');
  });

  it('matches the policy against the portal a call names', async () => {
    const door = openDoor();
    await door.send(envelope('portal.logs', { args: { name: 'work' } }));
    assert.equal(door.audit.at(-1)?.target, 'work');
  });

  it('matches portal.up on the formula node and the name the daemon resolved, and runs it with them', async () => {
    const nodes: Record<string, string> = {
      universe: 'service/router/universe',
      console: 'application/console',
    };
    const resolve: ResolveTargets = async (method, params) => {
      const node = nodes[String(params.formula)];
      if (node === undefined)
        throw new MvError('formula.not-found', `No formula "${String(params.formula)}"`);
      return method === 'portal.up' ? { formula: node, name: String(params.name ?? 'picked') } : {};
    };
    const policy = 'portal.up @owner formula=application/* name=app-* allow\n* * * deny\n';
    const door = openDoor({ ...HOST, policyFiles: [{ name: '30-user.policy', text: policy }] }, resolve);
    const router = await door.send(envelope('portal.up', { args: { formula: 'universe', name: 'app-x' } }));
    assert.deepEqual(router, { ok: false, code: 'auth.denied' });
    assert.deepEqual(
      [door.audit.at(-1)?.code, door.audit.at(-1)?.target],
      ['policy.denied', 'formula=service/router/universe name=app-x'],
    );
    assert.equal(door.ran.length, 0);
    const app = await door.send(envelope('portal.up', { args: { formula: 'console', name: 'app-y' } }));
    assert.equal(app.ok, true);
    assert.deepEqual(door.ran[0]?.params, { formula: 'application/console', name: 'app-y' });
    const unnamed = await door.send(envelope('portal.up', { args: { formula: 'console' } }));
    assert.deepEqual(unnamed, { ok: false, code: 'auth.denied' }, 'the picked name is matched too');
    const unknown = await door.send(envelope('portal.up', { args: { formula: 'nothing', name: 'app-z' } }));
    assert.deepEqual(unknown, { ok: false, code: 'formula.not-found' });
    assert.deepEqual([door.audit.at(-1)?.decision, door.audit.at(-1)?.code], ['deny', 'formula.not-found']);
  });

  it('seals every reply to the owner alone: a stranger cannot open it', async () => {
    const door = openDoor();
    const bytes = envelope('portal.list');
    const sealed = await door.call(bytes);
    await assert.rejects(openVerdict(sealed, bytes, stranger.session));
    assert.equal((await openVerdict(sealed, bytes, owner.session)).ok, true);
  });

  it("seals a handler's error with its code, and its progress messages", async () => {
    const door = openDoor();
    assert.deepEqual(await door.send(envelope('portal.status', { args: { name: 'work' } })), {
      ok: false,
      code: 'portal.not-found',
    });
    const logs = envelope('portal.logs', { args: { name: 'work' } });
    await door.send(logs);
    const note = door.notes.at(-1);
    const opened = await openSealed(owner.session.encryption.privateKey, SEALED.parse(note?.sealed), {
      info: utf8(SEAL_INFO.progress),
      aad: utf8(envelopeDigest(logs)),
    });
    const signed = SIGNED_BODY.parse(JSON.parse(new TextDecoder().decode(opened)));
    assert.deepEqual(JSON.parse(signed.body), { message: 'reading the log' });
    const binding = { hostId: TEST_HOST_ID, envelopeDigest: envelopeDigest(logs) };
    assert.equal(verifyHostReply(HOST_KEY.publicKey, { ...binding, kind: 'progress' }, signed), true);
    assert.equal(
      verifyHostReply(HOST_KEY.publicKey, { ...binding, kind: 'reply' }, signed),
      false,
      'a progress message never passes as the reply',
    );
  });

  it('answers an error code its method does not declare as internal.bug, keeping message and hint, and logs it', async () => {
    const door = openDoor();
    const bytes = envelope('portal.console', { args: { name: 'work' } });
    const plaintext = await openSealed(
      owner.session.encryption.privateKey,
      SEALED.parse(await door.call(bytes)),
      {
        info: utf8(SEAL_INFO.reply),
        aad: utf8(envelopeDigest(bytes)),
      },
    );
    const { body } = SIGNED_BODY.parse(JSON.parse(new TextDecoder().decode(plaintext)));
    const reply = SEALED_REPLY.parse(JSON.parse(body));
    assert.ok(!reply.ok);
    assert.deepEqual(reply.error.data, { code: 'internal.bug', hint: 'Run it again later.' });
    assert.equal(reply.error.code, 10);
    assert.equal(
      reply.error.message,
      `The image store is busy (${UNDECLARED_ERROR} image.busy; please report)`,
    );
    assert.equal(door.logged.length, 1);
    assert.match(
      door.logged[0] ?? '',
      new RegExp(`^portal\\.console answered ${UNDECLARED_ERROR} image\\.busy `),
    );
  });

  it('answers a crash in a handler as internal.bug and logs its stack', async () => {
    const door = openDoor();
    assert.deepEqual(await door.send(envelope('portal.screenshot', { args: { name: 'work' } })), {
      ok: false,
      code: 'internal.bug',
    });
    assert.equal(door.logged.length, 1);
    assert.match(door.logged[0] ?? '', /^portal\.screenshot failed unexpectedly: TypeError: cannot read/);
  });

  it("passes a handler's declared codes on untouched and logs nothing: its method's own and the door's", async () => {
    const door = openDoor();
    assert.deepEqual(await door.send(envelope('portal.status', { args: { name: 'work' } })), {
      ok: false,
      code: 'portal.not-found',
    });
    // The policy allows portal.exec but not its agent verb, which the handler authorises itself.
    const execOnly = openDoor({
      ...HOST,
      policyFiles: [{ name: '10-exec.policy', text: 'portal.exec @owner * allow\n' }],
    });
    const refused = await execOnly.send(envelope('portal.exec', { args: { name: 'work', verb: 'ping' } }));
    assert.deepEqual(refused, { ok: false, code: 'auth.denied' });
    assert.equal(execOnly.ran.length, 1, 'the refusal came from inside the handler');
    assert.deepEqual([...door.logged, ...execOnly.logged], []);
  });

  it('authorises a further verb (an agent verb) under the same policy and snapshot', async () => {
    const door = openDoor();
    const verdict = await door.send(envelope('portal.exec', { args: { name: 'work', verb: 'ping' } }));
    assert.equal(verdict.ok, true);
    assert.deepEqual(door.ran[0]?.params, { name: 'work', verb: 'ping', args: [] }, 'validated, defaults in');
    assert.deepEqual(
      door.audit.map((e) => [e.decision, e.verb, e.target]),
      [
        ['allow', 'portal.exec', 'name=work verb=ping'],
        ['allow', 'agent.ping', 'work'],
      ],
    );
    assert.equal(door.reads(), 1);
  });

  it("refuses an agent verb the session's certificate does not permit, though it permits the method (scramble.not-permitted)", async () => {
    const door = openDoor();
    const key = owner.sessionKey({ permissions: ['portal.exec'] });
    const verdict = await door.send(envelope('portal.exec', { key, args: { name: 'work', verb: 'ping' } }));
    assert.deepEqual(verdict, { ok: false, code: 'auth.denied' });
    assert.deepEqual(
      door.audit.map((e) => [e.decision, e.code, e.verb]),
      [
        ['allow', 'ok', 'portal.exec'],
        ['deny', 'scramble.not-permitted', 'agent.ping'],
      ],
    );
    const allowed = owner.sessionKey({ permissions: ['portal.exec', 'agent.ping'] });
    const again = await door.send(
      envelope('portal.exec', { key: allowed, args: { name: 'work', verb: 'ping' } }),
    );
    assert.equal(again.ok, true);
  });

  it('refuses text that is not base64url (scramble.decode), sealing the refusal all the same', async () => {
    const door = openDoor();
    const none = new Uint8Array(0);
    const sealed = await door.call(none, 'not base64url!');
    assert.deepEqual(await openVerdict(sealed, none, owner.session), { ok: false, code: 'auth.denied' });
    assert.deepEqual(
      door.audit.map((e) => [e.decision, e.code]),
      [['deny', 'scramble.decode']],
    );
  });

  it('refuses a replayed envelope (scramble.replay), running it once', async () => {
    const door = openDoor();
    const bytes = envelope('portal.list');
    assert.equal((await door.send(bytes)).ok, true);
    assert.deepEqual(await door.send(bytes), { ok: false, code: 'auth.denied' });
    assert.equal(door.ran.length, 1);
    assert.equal(door.audit.at(-1)?.code, 'scramble.replay');
  });

  it('refuses a call when no owner is registered (scramble.no-owner): there is nobody to seal a reply to', async () => {
    const { owner: _unregistered, ...unowned } = HOST;
    const door = openDoor(unowned);
    const bytes = envelope('portal.list');
    assert.equal(await refusedUnsealed(door, bytes), 'scramble.no-owner');
    assert.equal(door.ran.length, 0);
  });

  it("sends no result when the owner's encryption key has expired or was revoked: a signed refusal, and nothing runs", async () => {
    const encryptionKid = (owner.record.encryptionCertificate as Certificate).kid;
    const revoked = openDoor({ ...HOST, revocations: [owner.revoke(encryptionKid)] });
    assert.equal(await refusedUnsealed(revoked, envelope('portal.list')), 'scramble.revoked');
    assert.equal(revoked.ran.length, 0);
    const expiredDoor = openDoor(HOST, undefined, TEST_NOW + 400 * DAY_MS);
    const bytes = envelope('portal.list', { now: TEST_NOW + 400 * DAY_MS });
    assert.equal(await refusedUnsealed(expiredDoor, bytes), 'scramble.expired');
    assert.equal(expiredDoor.ran.length, 0);
  });

  it('seals nothing while the revocation list is damaged: the reply key may be revoked (fail closed)', async () => {
    const door = openDoor({ ...HOST, revocations: 'damaged' });
    assert.equal(await refusedUnsealed(door, envelope('portal.list')), 'scramble.untrusted');
    assert.equal(door.ran.length, 0);
  });

  const expired = owner.sessionKey({ from: TEST_NOW - 3 * DAY_MS, lifetimeMs: DAY_MS });
  const revoked = owner.sessionKey();
  const imagesOnly = owner.sessionKey({ permissions: ['image.*'] });
  const signed = envelope('portal.list');
  const refusals: { name: string; code: string; bytes: () => Uint8Array; world?: TrustWorld }[] = [
    { name: 'bytes that are not an envelope', code: 'scramble.decode', bytes: () => utf8('not an envelope') },
    {
      name: 'an unsigned envelope (no sig)',
      code: 'scramble.decode',
      bytes: () => {
        const { sig: _sig, ...fields } = fieldsOf(signed);
        return utf8(canonicalJson(fields as JsonValue));
      },
    },
    {
      name: 'a forged envelope (its verb changed after signing)',
      code: 'scramble.bad-signature',
      bytes: () => utf8(canonicalJson({ ...fieldsOf(signed), verb: 'portal.remove' } as JsonValue)),
    },
    {
      name: "a session key the owner never certified (a stranger's)",
      code: 'scramble.untrusted',
      bytes: () => envelope('portal.list', { key: stranger.session.signing }),
    },
    {
      name: "a stranger's key under the owner's Scramble ID",
      code: 'scramble.untrusted',
      bytes: () => {
        const fields = draftEnvelope(stranger.session.signing, {
          target: TEST_HOST_ID,
          verb: 'portal.list',
          args: {},
          seq: 1,
          now: TEST_NOW,
          random: (n) => new Uint8Array(n).fill(7),
        });
        return utf8(canonicalJson({ ...fields, id: owner.record.scrambleId, sig: 'A'.repeat(86) }));
      },
    },
    {
      name: 'an expired session key',
      code: 'scramble.expired',
      bytes: () => envelope('portal.list', { key: expired }),
    },
    {
      name: 'an expired envelope',
      code: 'scramble.expired',
      bytes: () => envelope('portal.list', { now: TEST_NOW - 120_000, lifetimeMs: 60_000 }),
    },
    {
      name: 'a revoked session key',
      code: 'scramble.revoked',
      bytes: () => envelope('portal.list', { key: revoked }),
      world: { ...HOST, revocations: [owner.revoke(revoked.kid)] },
    },
    {
      name: 'an envelope addressed to another host',
      code: 'scramble.wrong-target',
      bytes: () => envelope('portal.list', { target: `h${'c'.repeat(26)}` }),
    },
    {
      name: 'an oversize envelope',
      code: 'scramble.too-large',
      bytes: () => envelope('portal.list', { args: { padding: 'x'.repeat(70_000) } }),
    },
    {
      name: 'a verb the session key is not permitted',
      code: 'scramble.not-permitted',
      bytes: () => envelope('portal.list', { key: imagesOnly }),
    },
    { name: 'an unknown method', code: 'usage.invalid', bytes: () => envelope('portal.teleport') },
    { name: 'the version probe, signed', code: 'usage.invalid', bytes: () => envelope('system.version') },
    {
      name: 'parameters the method does not take',
      code: 'usage.invalid',
      bytes: () => envelope('portal.list', { args: { all: true } }),
    },
    {
      name: 'a verb the policy denies',
      code: 'policy.no-match',
      bytes: () => envelope('portal.list'),
      world: { ...HOST, policyFiles: [{ name: '10-some.policy', text: 'image.* @owner * allow\n' }] },
    },
    {
      name: 'anything while the policy does not parse',
      code: 'policy.syntax',
      bytes: () => envelope('portal.list'),
      world: { ...HOST, policyFiles: [{ name: '10-bad.policy', text: 'portal.list @owner *\n' }] },
    },
    {
      name: 'anything while the policy cannot be read',
      code: 'policy.syntax',
      bytes: () => envelope('portal.list'),
      world: { ...HOST, policyFiles: 'unreadable' },
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name} as auth.denied, auditing ${refusal.code}, running nothing`, async () => {
      const door = openDoor(refusal.world);
      assert.deepEqual(await door.send(refusal.bytes()), { ok: false, code: 'auth.denied' });
      assert.deepEqual(door.ran, []);
      assert.deepEqual(
        door.audit.map((e) => [e.decision, e.code]),
        [['deny', refusal.code]],
      );
    });
  }
});
