import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reverter } from './reverter.js';

function recording() {
  const ran: string[] = [];
  const reports: string[] = [];
  const reverter = new Reverter((message) => reports.push(message));
  const step = (name: string) => reverter.add(name, () => ran.push(name));
  return { ran, reports, reverter, step };
}

describe('Reverter', () => {
  it('undoes every step newest first on fail()', async () => {
    const { ran, reports, reverter, step } = recording();
    step('create bridge');
    step('create tap');
    reverter.add('start qemu', async () => {
      await Promise.resolve();
      ran.push('start qemu');
    });
    await reverter.fail();
    assert.deepEqual(ran, ['start qemu', 'create tap', 'create bridge']);
    assert.deepEqual(reports, []);
  });

  it('undoes nothing after success()', async () => {
    const { ran, reverter, step } = recording();
    step('create bridge');
    step('create tap');
    reverter.success();
    await reverter.fail();
    assert.deepEqual(ran, []);
  });

  it('reports an undo that throws or rejects and still runs the rest', async () => {
    const { ran, reports, reverter, step } = recording();
    step('first');
    reverter.add('stuck mount', () => {
      throw new Error('device busy');
    });
    reverter.add('rejected', () => Promise.reject(new Error('no such tap')));
    reverter.add('odd', () => {
      throw 'plain string';
    });
    step('last');
    await reverter.fail();
    assert.deepEqual(ran, ['last', 'first']);
    assert.deepEqual(reports, [
      'could not undo "odd": plain string',
      'could not undo "rejected": no such tap',
      'could not undo "stuck mount": device busy',
    ]);
  });

  it('runs each undo once, even when fail() is called again', async () => {
    const { ran, reverter, step } = recording();
    step('only');
    await reverter.fail();
    await reverter.fail();
    assert.deepEqual(ran, ['only']);
  });

  it('can be reused after success() for a new set of steps', async () => {
    const { ran, reverter, step } = recording();
    step('kept');
    reverter.success();
    step('undone');
    await reverter.fail();
    assert.deepEqual(ran, ['undone']);
  });
});
