/**
 * @module `shell open|io|resize|close …`: an interactive shell in the portal, one signed call per step (see
 * `agent/shell.ts` for the calls and `shell-sessions.ts` for the sessions). Keystrokes and output are
 * base64url; a session is the signing key's own.
 */
import { parseShellArgs, type ShellReply } from '../../shell.js';
import type { VerbHandler } from '../verb-handler.js';

/** `shell <op> …` → `{session, output, closed}`. */
export const shell: VerbHandler = async (args, { shells }, { kid }) => {
  const call = parseShellArgs(args);
  const reply = (value: ShellReply) => ({ result: { ...value } });
  switch (call.op) {
    case 'open':
      return reply(await shells.open(kid, call));
    case 'io':
      return reply(await shells.io(kid, call.session, Buffer.from(call.input, 'base64url'), call.wait));
    case 'resize':
      return reply(shells.resize(kid, call.session, call));
    case 'close':
      return reply(shells.close(kid, call.session));
  }
};
