/**
 * @module A hand-rolled client for attacking the daemon's signed door: it crafts envelopes directly (with
 * any key, target, expiry or bytes), sends raw bytes, opens the sealed replies with the owner's encryption
 * key, and reads the audit log's verdicts.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { rpcCall } from '../../src/cli/rpc-connection.js';
import { SEAL_INFO, SEALED, SEALED_REPLY, SIGNED_CALL } from '../../src/protocol/index.js';
import type { Session } from '../../src/scramble/host/keyring.js';
import { osRandom } from '../../src/scramble/host/keyring.js';
import {
  draftEnvelope,
  envelopeDigest,
  type JsonValue,
  openSealed,
  type SessionKey,
  signEnvelope,
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

/** What came back for one raw envelope. */
export type Verdict = { ok: true; result: unknown } | { ok: false; code: string };

/** Sends raw envelope bytes and opens the sealed reply with the owner's encryption key. */
export async function sendEnvelope(socketPath: string, bytes: Uint8Array, owner: Session): Promise<Verdict> {
  const reply = (await rpcCall(
    SIGNED_CALL,
    { envelope: Buffer.from(bytes).toString('base64url') },
    { socketPath },
  )) as { sealed: unknown };
  return openVerdict(reply.sealed, bytes, owner);
}

/** Opens a sealed reply to `bytes`. */
export async function openVerdict(sealed: unknown, bytes: Uint8Array, owner: Session): Promise<Verdict> {
  const plaintext = await openSealed(owner.encryption.privateKey, SEALED.parse(sealed), {
    info: new TextEncoder().encode(SEAL_INFO.reply),
    aad: new TextEncoder().encode(envelopeDigest(bytes)),
  });
  const opened = SEALED_REPLY.parse(JSON.parse(new TextDecoder().decode(plaintext)));
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
