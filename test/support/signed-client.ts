/**
 * @module A hand-rolled client for attacking the daemon's signed door: it crafts envelopes directly (with
 * any key, target, expiry or bytes), sends raw bytes, opens the sealed replies with the owner's encryption
 * key (checking the host's signature inside when told whose it must be), and reads the audit log's verdicts.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { rpcCall } from '../../src/cli/rpc-connection.js';
import {
  SEAL_INFO,
  SEALED,
  SEALED_REPLY,
  SIGNED_BODY,
  SIGNED_CALL,
  SIGNED_CALL_RESULT,
} from '../../src/protocol/index.js';
import type { Session } from '../../src/scramble/host/keyring.js';
import { osRandom } from '../../src/scramble/host/keyring.js';
import {
  draftEnvelope,
  envelopeDigest,
  type JsonValue,
  openSealed,
  type SessionKey,
  signEnvelope,
  verifyHostReply,
} from '../../src/scramble/index.js';

let sequence = 0;

/** A signed envelope for `verb` with the given key and target. */
export function envelopeFor(
  key: SessionKey,
  options: { target: string; verb: string; args?: JsonValue; now?: number; lifetimeMs?: number },
): Uint8Array {
  const now = options.now ?? Date.now();
  sequence += 1;
  const fields = draftEnvelope(key, {
    target: options.target,
    verb: options.verb,
    args: options.args ?? {},
    seq: now * 1000 + (sequence % 1000),
    now,
    random: osRandom,
    ...(options.lifetimeMs ? { lifetimeMs: options.lifetimeMs } : {}),
  });
  return signEnvelope(fields, key);
}

/** What came back for one raw envelope (`unsealed`: a refusal the host could not seal, signed, no results). */
export type Verdict = { ok: true; result: unknown } | { ok: false; code: string; unsealed?: true };

/** The host whose signature an answer must carry. */
export interface SigningHost {
  readonly hostId: string;
  readonly publicKey: Uint8Array;
}

/**
 * Sends raw envelope bytes and opens the sealed reply with the owner's encryption key (a refusal the host
 * could not seal comes back as `unsealed`); with `host`, the host's signature must verify.
 */
export async function sendEnvelope(
  socketPath: string,
  bytes: Uint8Array,
  owner: Session,
  host?: SigningHost,
): Promise<Verdict> {
  const answer = SIGNED_CALL_RESULT.parse(
    await rpcCall(SIGNED_CALL, { envelope: Buffer.from(bytes).toString('base64url') }, { socketPath }),
  );
  if ('refused' in answer) {
    checkSigned(answer.refused, 'refusal', bytes, host);
    const error = JSON.parse(answer.refused.body) as { data: { code: string } };
    return { ok: false, code: error.data.code, unsealed: true };
  }
  return openVerdict(answer.sealed, bytes, owner, host);
}

function checkSigned(
  signed: { body: string; hostSignature: string },
  kind: 'reply' | 'refusal',
  bytes: Uint8Array,
  host: SigningHost | undefined,
): void {
  if (!host) return;
  const binding = { kind, hostId: host.hostId, envelopeDigest: envelopeDigest(bytes) };
  if (!verifyHostReply(host.publicKey, binding, signed))
    throw new Error(`the ${kind} is not signed by the host`);
}

/** Opens a sealed reply to `bytes`; with `host`, its signature must be that host's. */
export async function openVerdict(
  sealed: unknown,
  bytes: Uint8Array,
  owner: Session,
  host?: SigningHost,
): Promise<Verdict> {
  const plaintext = await openSealed(owner.encryption.privateKey, SEALED.parse(sealed), {
    info: new TextEncoder().encode(SEAL_INFO.reply),
    aad: new TextEncoder().encode(envelopeDigest(bytes)),
  });
  const signed = SIGNED_BODY.parse(JSON.parse(new TextDecoder().decode(plaintext)));
  checkSigned(signed, 'reply', bytes, host);
  const opened = SEALED_REPLY.parse(JSON.parse(signed.body));
  return opened.ok ? { ok: true, result: opened.result } : { ok: false, code: opened.error.data.code };
}

/** Sends many raw JSON-RPC lines (ids 1…n) on one connection and returns the replies ordered by id. */
export function sendLines(socketPath: string, lines: readonly string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const replies: unknown[] = [];
    let buffered = '';
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        replies.push(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      if (replies.length === lines.length) {
        socket.destroy();
        resolve(replies.sort((a, b) => (a as { id: number }).id - (b as { id: number }).id));
      }
    });
    socket.once('connect', () => {
      for (const line of lines) socket.write(`${line}\n`);
    });
  });
}

/** The audit log's decisions (the daemon's exact reasons), without the host's checkpoints. */
export function auditEntries(
  stateRoot: string,
): { decision: string; code: string; kid?: string; verb?: string; target?: string }[] {
  return readFileSync(path.join(stateRoot, 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind?: string; decision: string; code: string; kid?: string })
    .filter((entry) => entry.kind === undefined);
}
