import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, it } from 'node:test';
import { resolveCatalogue } from '../../../src/formula/index.js';
import { lookupUser, QEMU_USER } from '../../../src/probe/host/facts.js';
import { renderQemuArgs, SANDBOX_OPTIONS, toArgv } from '../../../src/qemu/index.js';
import { MINIMAL_TREE, treeOf } from '../../support/formula-tree.js';
import { testInstance } from '../../support/instance.js';

/** The USB passthrough part of a q35 portal's rendered argv: the controller, -add-fd and usb-host. */
function usbArgs(): string[] {
  const tree = treeOf({
    ...MINIMAL_TREE,
    'application/key': 'machine: { type: q35 }\ndevices: { usb: ["1050:0407"] }\n',
  });
  const manifest = resolveCatalogue(tree).formulas.get('application/key')?.manifest;
  assert.ok(manifest);
  const argv = toArgv(renderQemuArgs(manifest, testInstance(manifest)));
  const kept: string[] = [];
  argv.forEach((token, i) => {
    const value = argv[i + 1] ?? '';
    if (token === '-add-fd' || (token === '-device' && /^(qemu-xhci|usb-host)/.test(value)))
      kept.push(token, value);
  });
  return kept;
}

function runQemu(
  passed: number[],
  user: { uid: number; gid: number },
): { status: number | null; stderr: string } {
  const result = spawnSync(
    'qemu-system-x86_64',
    [
      '-machine',
      'q35',
      '-accel',
      'tcg',
      '-display',
      'none',
      '-nodefaults',
      '-S',
      '-sandbox',
      SANDBOX_OPTIONS,
      ...usbArgs(),
    ],
    {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'ignore', 'pipe', ...passed],
      uid: user.uid,
      gid: user.gid,
    },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('USB passthrough argv under QEMU 7.2', () => {
  it('renders -add-fd and usb-host,hostdevice=/dev/fdset/3, which QEMU takes from the inherited descriptor', async () => {
    assert.deepEqual(usbArgs(), [
      '-device',
      'qemu-xhci,id=usb',
      '-add-fd',
      'fd=3,set=3',
      '-device',
      'usb-host,bus=usb.0,hostdevice=/dev/fdset/3,id=usb0',
    ]);
    const user = await lookupUser(QEMU_USER);
    assert.ok(user, `${QEMU_USER} is missing: run scripts/setup.sh`);
    // Not a usbfs node, so libusb refuses it: the options parsed and the descriptor reached libusb,
    // as the QEMU account, under the sandbox. A real device cannot be proven on this machine.
    const fd = openSync('/dev/null', 'r+');
    try {
      const withFd = runQemu([fd], user);
      assert.notEqual(withFd.status, 0);
      assert.match(
        withFd.stderr,
        /usb-host,bus=usb\.0,hostdevice=\/dev\/fdset\/3,id=usb0: failed to open host usb device \/dev\/fdset\/3/,
      );
    } finally {
      closeSync(fd);
    }
    // Without the descriptor QEMU does not start at all.
    const without = runQemu([], user);
    assert.match(without.stderr, /-add-fd fd=3,set=3: fd is not valid or already in use/);
  });
});
