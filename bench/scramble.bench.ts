/**
 * Benchmark: the signed path without the socket — sign an envelope, verify it, evaluate the default policy,
 * seal the reply with HPKE and open it — as a round trip (targets p50 ≤ 2 ms, p99 ≤ 5 ms), and policy
 * evaluation alone (p99, target under 1 ms). Baseline in the same run: one plain Ed25519 sign + verify.
 * The end-to-end `portalgun exec <portal> ping` (process start included) is in cli-start.bench.ts.
 * Run: npm run bench:scramble
 */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DEFAULT_POLICY, evaluatePolicy, loadPolicy } from '../src/policy/index.js';
import {
  draftEnvelope,
  envelopeDigest,
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  openSealed,
  rootKeyFromSeed,
  sealTo,
  signEnvelope,
  verifyEnvelope,
} from '../src/scramble/index.js';
import { ms } from './measure.js';

const random = (n: number) => new Uint8Array(randomBytes(n));
const root = rootKeyFromSeed(newRootSeed(random));
const now = Date.now();
const session = newSessionKey(root, { now, lifetimeMs: 3_600_000, permissions: ['*'], random });
const encryption = newEncryptionKey(root, { now, lifetimeMs: 3_600_000, random });
const rules = loadPolicy([{ name: '90-default.policy', text: DEFAULT_POLICY }]);
const encoder = new TextEncoder();
const info = encoder.encode('multiverse/scramble-reply/v1');
const reply = encoder.encode(JSON.stringify({ ok: true, result: { portals: [] } }));

async function roundTrip(seq: number): Promise<void> {
  const bytes = signEnvelope(
    draftEnvelope(session, { target: 'hbench', verb: 'portal.list', args: {}, seq, now: Date.now(), random }),
    session,
  );
  const envelope = verifyEnvelope(bytes, {
    owner: root.scrambleId,
    now: Date.now(),
    targets: ['hbench'],
    isRevoked: () => false,
  });
  const decision = evaluatePolicy(rules, {
    verb: envelope.verb,
    target: 'hbench',
    source: { scrambleId: envelope.id, kid: envelope.kid, isOwner: true },
  });
  if (decision.decision !== 'allow') throw new Error('policy refused the benchmark request');
  const aad = encoder.encode(envelopeDigest(bytes));
  const sealed = await sealTo(encryption.publicKey, reply, { info, aad, random });
  await openSealed(encryption.privateKey, sealed, { info, aad });
}

const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
const percentile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;

const baselineKeys = generateKeyPairSync('ed25519');
const message = randomBytes(1_200);
const trips: number[] = [];
const baseline: number[] = [];
for (let i = 0; i < 50; i++) await roundTrip(i + 1);
for (let i = 0; i < 1_000; i++) {
  let start = performance.now();
  await roundTrip(1_000 + i);
  trips.push(performance.now() - start);
  start = performance.now();
  verify(null, message, baselineKeys.publicKey, sign(null, message, baselineKeys.privateKey));
  baseline.push(performance.now() - start);
}
const evaluations: number[] = [];
const request = {
  verb: 'agent.run',
  target: 'console',
  source: { scrambleId: root.scrambleId, kid: session.kid, isOwner: true },
};
for (let i = 0; i < 100_000; i++) {
  const start = performance.now();
  evaluatePolicy(rules, request);
  evaluations.push(performance.now() - start);
}
console.log('sign → verify → policy → seal → open, 1000 round trips after 50 warm-up');
console.log('| measure | p50 | p99 |');
console.log('|---|---|---|');
console.log(
  `| signed round trip (subject) | ${ms(percentile(trips, 0.5))} | ${ms(percentile(trips, 0.99))} |`,
);
console.log(
  `| plain Ed25519 sign + verify (baseline) | ${ms(percentile(baseline, 0.5))} | ${ms(percentile(baseline, 0.99))} |`,
);
console.log(
  `| policy evaluation, default policy, last allow rule | ${us(percentile(evaluations, 0.5))} | ${us(percentile(evaluations, 0.99))} |`,
);
const policyMet = percentile(evaluations, 0.99) < 1;
const tripMet = percentile(trips, 0.5) <= 2 && percentile(trips, 0.99) <= 5;
const verdict = (met: boolean) => (met ? 'meets' : 'MISSES');
console.log(
  `ratio round trip / baseline (p50): ${(percentile(trips, 0.5) / percentile(baseline, 0.5)).toFixed(1)}×; round trip ${verdict(tripMet)} p50 ≤ 2 ms, p99 ≤ 5 ms; policy p99 ${verdict(policyMet)} the 1 ms target`,
);
process.exitCode = policyMet && tripMet ? 0 : 1;
