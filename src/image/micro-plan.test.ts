import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { renderFstab } from '../share/index.js';
import {
  GUEST_PATHS,
  type ImageFile,
  type MicroImageInputs,
  planMicroImage,
  renderAgentConfig,
  renderInittab,
  renderStage1Init,
} from './index.js';
import { guestFilesDigest } from './micro-plan.js';

const HASH = `sha256:${'ab'.repeat(32)}`;

/** Made-up host inputs: nothing here is read, the plan only names the files. */
const INPUTS: MicroImageInputs = {
  owner: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad',
  formulaHash: HASH,
  busybox: '/host/bin/busybox',
  applets: ['bin/busybox', 'bin/sh', 'bin/ls', 'sbin/ip', 'sbin/init', 'usr/bin/env'],
  modules: [
    { name: 'virtio_mmio', source: '/host/modules/kernel/drivers/virtio/virtio_mmio.ko' },
    { name: 'virtio_blk', source: '/host/modules/kernel/drivers/block/virtio_blk.ko' },
    { name: 'ext4', source: '/host/modules/kernel/fs/ext4/ext4.ko' },
  ],
  node: '/host/usr/bin/node',
  agentBundle: '/host/dist/guest/agent.mjs',
  hostFiles: [
    { path: '/bin/ip', source: '/host/usr/bin/ip', mode: 0o755 },
    { path: '/usr/sbin/nft', source: '/host/usr/sbin/nft', mode: 0o755 },
    { path: '/usr/lib/x86_64-linux-gnu/libnftables.so.1', source: '/host/libnftables.so.1.1.0', mode: 0o644 },
    { path: '/lib64/ld-linux-x86-64.so.2', source: '/host/ld-2.36.so', mode: 0o755 },
    { path: '/etc/inittab', source: '/host/etc/inittab', mode: 0o644 },
  ],
};

/** Asserts each entry's ancestors are directories listed before it, and that no path appears twice. */
function assertParentsFirst(files: readonly ImageFile[]): void {
  const seen = new Map<string, ImageFile>();
  for (const file of files) {
    assert.ok(!seen.has(file.path), `${file.path} appears once`);
    assert.doesNotMatch(file.path, /^\/|\/$/, `${file.path} is relative`);
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      assert.equal(seen.get(parent)?.kind, 'dir', `${parent} is a directory listed before ${file.path}`);
    }
    seen.set(file.path, file);
  }
}

async function planFor(node: string) {
  const { manifest } = await bundledFormula(node);
  const plan = planMicroImage(manifest, INPUTS);
  const at = (files: readonly ImageFile[], path: string) => files.find((f) => f.path === path);
  return {
    manifest,
    plan,
    base: (path: string) => at(plan.base, path),
    initramfs: (path: string) => at(plan.initramfs, path),
  };
}

describe('planMicroImage: root image', () => {
  it('lists every directory before its children and each path once', async () => {
    const { plan } = await planFor('application/console');
    assertParentsFirst(plan.base);
    const paths = plan.base.map((f) => f.path);
    for (const dir of ['usr/lib/x86_64-linux-gnu', 'lib64', 'usr/sbin', 'etc/multiverse', 'home/user']) {
      assert.ok(paths.includes(dir), `${dir} is planned`);
    }
  });

  it('lets a later entry replace an earlier one at the same path', async () => {
    const { base } = await planFor('application/console');
    assert.deepEqual(
      base('bin/ip'),
      { kind: 'host-file', path: 'bin/ip', source: '/host/usr/bin/ip', mode: 0o755 },
      'the host iproute2 ip replaces the busybox bin/ip symlink',
    );
    assert.equal(base('etc/inittab')?.kind, 'text', 'the generated inittab replaces a package-supplied one');
  });

  it('links the applets to busybox, except busybox itself', async () => {
    const { base } = await planFor('application/console');
    assert.deepEqual(base('bin/busybox'), {
      kind: 'host-file',
      path: 'bin/busybox',
      source: '/host/bin/busybox',
      mode: 0o755,
    });
    for (const applet of ['bin/sh', 'sbin/ip', 'sbin/init', 'usr/bin/env']) {
      assert.deepEqual(base(applet), { kind: 'symlink', path: applet, target: '/bin/busybox' });
    }
  });

  it('carries the generated fstab, inittab, agent configuration, the agent and node', async () => {
    const { manifest, base } = await planFor('application/console');
    const text = (path: string) => {
      const file = base(path);
      assert.equal(file?.kind, 'text', `${path} is generated`);
      return file.text;
    };
    assert.equal(text('etc/fstab'), renderFstab(manifest, { hash: HASH }));
    assert.equal(text('etc/inittab'), renderInittab(manifest));
    assert.equal(
      text(GUEST_PATHS.agentConfig.slice(1)),
      renderAgentConfig(manifest, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad'),
    );
    assert.equal(base(GUEST_PATHS.sysinit.slice(1))?.kind, 'text');
    assert.deepEqual(base('usr/bin/node'), {
      kind: 'host-file',
      path: 'usr/bin/node',
      source: '/host/usr/bin/node',
      mode: 0o755,
    });
    assert.deepEqual(base(GUEST_PATHS.agent.slice(1)), {
      kind: 'host-file',
      path: 'usr/lib/multiverse/agent.mjs',
      source: '/host/dist/guest/agent.mjs',
      mode: 0o644,
    });
  });

  it('keeps libraries at their host paths and /tmp sticky', async () => {
    const { base } = await planFor('service/router/star');
    assert.equal(base('lib64/ld-linux-x86-64.so.2')?.kind, 'host-file');
    assert.equal(base('usr/lib/x86_64-linux-gnu/libnftables.so.1')?.kind, 'host-file');
    assert.deepEqual(base('tmp'), { kind: 'dir', path: 'tmp', mode: 0o1777 });
  });

  it('plans the same files for the same inputs', async () => {
    const { manifest } = await bundledFormula('service/router/star');
    assert.deepEqual(planMicroImage(manifest, INPUTS), planMicroImage(manifest, { ...INPUTS }));
  });
});

describe('planMicroImage: image.portalgun', () => {
  const portalgun = [
    { path: 'bin/portalgun.js', source: '/host/mv/bin/portalgun.js', mode: 0o755 },
    { path: 'node_modules/zod/package.json', source: '/host/mv/node_modules/zod/package.json', mode: 0o644 },
  ];

  it('installs the given build under /usr/lib/multiverse/portalgun, with portalgun and scramble on the PATH', async () => {
    const { manifest } = await bundledFormula('controller/router');
    assert.equal(manifest.image.portalgun, true, 'controllers run portalgun');
    const { base } = planMicroImage(manifest, { ...INPUTS, portalgun });
    assertParentsFirst(base);
    assert.deepEqual(
      base.find((f) => f.path === 'usr/lib/multiverse/portalgun/bin/portalgun.js'),
      {
        kind: 'host-file',
        path: 'usr/lib/multiverse/portalgun/bin/portalgun.js',
        source: '/host/mv/bin/portalgun.js',
        mode: 0o755,
      },
    );
    const command = base.find((f) => f.path === 'usr/bin/scramble');
    assert.equal(command?.kind, 'text');
    assert.match(
      command?.kind === 'text' ? command.text : '',
      /^#!\/bin\/sh\n.*\nexec \/usr\/bin\/node \/usr\/lib\/multiverse\/portalgun\/bin\/scramble\.js "\$@"\n$/s,
    );
  });

  it('installs nothing where the formula does not ask, and the field is part of the guest digest', async () => {
    const { manifest } = await bundledFormula('application/console');
    const { base } = planMicroImage(manifest, INPUTS);
    assert.ok(
      !base.some((f) => f.path.startsWith('usr/lib/multiverse/portalgun') || f.path === 'usr/bin/portalgun'),
    );
    const options = { formulaHash: HASH, owner: INPUTS.owner };
    const withIt = { ...manifest, image: { ...manifest.image, portalgun: true } };
    assert.notEqual(guestFilesDigest(withIt, options), guestFilesDigest(manifest, options));
  });
});

describe('planMicroImage: initramfs', () => {
  it('holds /init, busybox and one lib/modules/<name>.ko per module, parents first', async () => {
    const { plan, initramfs } = await planFor('application/console');
    assertParentsFirst(plan.initramfs);
    assert.deepEqual(initramfs('init'), {
      kind: 'text',
      path: 'init',
      text: renderStage1Init(['virtio_mmio', 'virtio_blk', 'ext4']),
      mode: 0o755,
    });
    assert.deepEqual(initramfs('bin/busybox'), {
      kind: 'host-file',
      path: 'bin/busybox',
      source: '/host/bin/busybox',
      mode: 0o755,
    });
    const modules = plan.initramfs.filter((f) => f.path.startsWith('lib/modules/'));
    assert.deepEqual(
      modules.map((f) => (f.kind === 'host-file' ? [f.path, f.source] : [f.path, f.kind])),
      INPUTS.modules.map((m) => [`lib/modules/${m.name}.ko`, m.source]),
    );
  });

  it('records the portal name and formula hash, and nothing of the root image', async () => {
    const { manifest, initramfs } = await planFor('application/console');
    const portal = initramfs('etc/portal');
    assert.equal(portal?.kind, 'text');
    assert.equal(portal.text, `${manifest.portalName}\n${HASH}\n`);
    assert.equal(initramfs('usr/bin/node'), undefined);
    assert.equal(initramfs('bin/ip'), undefined);
  });
});

describe('planMicroImage: the root image of a Debian image', () => {
  const debianPlan = async () => {
    const { manifest } = await bundledFormula('application/console');
    return planMicroImage(manifest, { ...INPUTS, debianLayers: 2 });
  };

  it("stays out of Debian's way: nothing in /bin, /sbin or /lib, no accounts, no host libraries", async () => {
    const plan = await debianPlan();
    assertParentsFirst(plan.base);
    const paths = plan.base.map((f) => f.path);
    for (const path of paths) {
      assert.match(path, /^(usr|etc)(\/|$)/, `${path} lies under /usr or /etc`);
    }
    for (const absent of ['etc/passwd', 'etc/group', 'usr/lib/x86_64-linux-gnu/libnftables.so.1']) {
      assert.ok(!paths.includes(absent), `${absent} is left to Debian`);
    }
  });

  it('keeps busybox in /usr/bin, its applets apart, and makes it /sbin/init', async () => {
    const plan = await debianPlan();
    const at = (path: string) => plan.base.find((f) => f.path === path);
    assert.equal(at('usr/bin/busybox')?.kind, 'host-file');
    assert.deepEqual(at('usr/lib/multiverse/bin/sh'), {
      kind: 'symlink',
      path: 'usr/lib/multiverse/bin/sh',
      target: '/usr/bin/busybox',
    });
    assert.deepEqual(at('usr/sbin/init'), {
      kind: 'symlink',
      path: 'usr/sbin/init',
      target: '/usr/bin/busybox',
    });
    assert.equal(at('usr/bin/node')?.kind, 'host-file');
    assert.equal(at('usr/bin/ip')?.kind, 'symlink', "busybox's ip where Debian has none");
  });

  it("leaves /usr/bin/ip to Debian's iproute2 where the formula installs it (the controllers)", async () => {
    const { manifest } = await bundledFormula('controller/router');
    assert.ok(manifest.packages.includes('iproute2'));
    const plan = planMicroImage(manifest, { ...INPUTS, debianLayers: 2 });
    assert.equal(
      plan.base.find((f) => f.path === 'usr/bin/ip'),
      undefined,
    );
  });

  it('stacks the layers in stage 1', async () => {
    const plan = await debianPlan();
    const init = plan.initramfs.find((f) => f.path === 'init');
    assert.ok(init?.kind === 'text');
    assert.match(init.text, /for i in \$\(seq 1 -1 0\)/);
    assert.match(init.text, /mount -t overlay overlay/);
  });
});
