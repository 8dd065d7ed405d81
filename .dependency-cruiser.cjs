/**
 * Dependency rules of the house style, checked on every `npm test`:
 * - the pure core (everything but the host/ adapter folders, agent/guest/, daemon/, cli/, cluster/) touches no OS
 *   module and no adapter;
 * - only digest/, scramble/ and audit/ may hash or sign with node:crypto;
 * - guest-abi/ (the host↔guest contract) imports nothing of ours;
 * - data flows one way: errors, digest, guest-abi ← formula ← instance ← renderers (qemu, share, net; image
 *   above share and net) ← plan ← host ← daemon, cli; renderers never import each other;
 * - domains use each other only through their index.ts, and their adapters through host/index.ts;
 * - the CLI never imports privileged adapters or the daemon;
 * - no cycles.
 */
const CORE = '^src/(?!cli/|daemon/|cluster/|[^/]+/host/|agent/guest/)';
const TESTS = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-no-os',
      comment: 'The pure core never does I/O: files, processes, sockets and the OS belong in */host/.',
      severity: 'error',
      from: { path: CORE, pathNot: TESTS },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|child_process|net|os|dgram|dns|http|https|tls|worker_threads|cluster|readline|process)$',
      },
    },
    {
      name: 'core-crypto-only-in-crypto-domains',
      comment: 'Hashing and signing stay in digest/, scramble/ and audit/.',
      severity: 'error',
      from: { path: CORE, pathNot: ['^src/(digest|scramble|audit)/', TESTS] },
      to: { dependencyTypes: ['core'], path: '^(node:)?crypto$' },
    },
    {
      name: 'core-no-adapters',
      comment: 'The pure core never imports adapters, the daemon or the CLI.',
      severity: 'error',
      from: { path: CORE, pathNot: TESTS },
      to: { path: '^src/(cli/|daemon/|cluster/|[^/]+/host/|agent/guest/)' },
    },
    {
      name: 'low-layers-stay-low',
      comment: 'errors/, json/ and digest/ depend on nothing of ours but each other.',
      severity: 'error',
      from: { path: '^src/(errors|json|digest)/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(errors|json|digest)/' },
    },
    {
      name: 'guest-abi-on-the-ground-floor',
      comment:
        'guest-abi/ is the host↔guest contract: it imports nothing of ours, so all may import it, the guest too.',
      severity: 'error',
      from: { path: '^src/guest-abi/' },
      to: { path: '^src/', pathNot: '^src/guest-abi/' },
    },
    {
      name: 'instance-below-renderers',
      comment: 'instance/ describes a portal on a host; the renderers take it, plan/ composes them.',
      severity: 'error',
      from: { path: '^src/instance/', pathNot: TESTS },
      to: { path: '^src/(qemu|share|image|net|plan|daemon|cli)/' },
    },
    {
      name: 'renderers-are-siblings',
      comment:
        'qemu, net and share render a manifest and its instance each on its own; plan/ composes them. (image/ may use share and net: an image carries the fstab and the router files.)',
      severity: 'error',
      from: { path: '^src/(qemu|net|share)/', pathNot: TESTS },
      to: { path: '^src/(qemu|net|share|image|plan)/', pathNot: '^src/$1/' },
    },
    {
      name: 'formula-below-renderers',
      comment: 'formula/ knows nothing of the renderers that consume manifests.',
      severity: 'error',
      from: { path: '^src/formula/', pathNot: TESTS },
      to: { path: '^src/(qemu|share|image|net|daemon|cli)/' },
    },
    {
      name: 'domain-index-only',
      comment:
        "Another domain's internals are reached only through its index.ts, its adapters through host/index.ts (Deno's mod.ts rule).",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/agent/guest/' },
      to: {
        path: '^src/[^/]+/',
        pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/[^/]+/host/index\\.ts$'],
      },
    },
    {
      name: 'private-files-stay-home',
      comment:
        "A file named _x.ts is its domain's private part (Deno std's convention): no other domain imports it, the guest agent included.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '/_[^/]+\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'public-face-shows-no-private-file',
      comment: "A folder's index.ts re-exports its public files only; a private _x.ts stays behind it.",
      severity: 'error',
      from: { path: '/index\\.ts$' },
      to: { path: '/_[^/]+\\.ts$' },
    },
    {
      name: 'guest-verifies-envelopes-only',
      comment:
        "The in-guest agent checks envelopes through scramble/envelope.ts alone: scramble's index would pull HPKE and Argon2 into the guest bundle.",
      severity: 'error',
      from: { path: '^src/agent/guest/' },
      to: { path: '^src/scramble/', pathNot: '^src/scramble/envelope\\.ts$' },
    },
    {
      name: 'cli-not-privileged',
      comment: 'The CLI reaches privileged work only through the daemon protocol.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(daemon/|qemu/host/|net/host/|image/host/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
