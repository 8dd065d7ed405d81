import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { declaredReplyError } from './daemon-client.js';

describe("the daemon's reply errors (declaredReplyError)", () => {
  it("passes on a code the method declares, its own or the door's", () => {
    const own = new MvError('portal.not-found', 'No portal "work"');
    const door = new MvError('auth.denied', 'Denied');
    assert.equal(declaredReplyError('portal.logs', own), own);
    assert.equal(declaredReplyError('portal.logs', door), door);
  });

  it('shows a code the method does not declare as a protocol mismatch, keeping the message', () => {
    const error = declaredReplyError('portal.logs', new MvError('image.busy', 'The image store is busy'));
    assert.equal(error.code, 'daemon.protocol');
    assert.match(
      error.message,
      /^The image store is busy \(the daemon answered portal\.logs with image\.busy, /,
    );
    assert.match(error.hint ?? '', /restart it/);
  });
});
