/**
 * @module The little telnet the shell verb speaks to busybox `telnetd -i`, which is how the agent gets a
 * pseudo-terminal without a native module: telnetd allocates the pty, runs the shell on it and talks telnet
 * over its stdin and stdout. Going in, a 0xFF byte is doubled and a terminal size is a NAWS sub-negotiation
 * (RFC 1073); coming out, telnetd's option negotiation is dropped and doubled 0xFF bytes are undoubled.
 * Pure: no I/O.
 */

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const NAWS = 0x1f;
const FIRST_OPTION_VERB = 0xfb; // WILL, WONT, DO, DONT: 0xfb–0xfe, each followed by one option byte.

/** Keystrokes as telnet data: every 0xFF doubled. */
export function encodeInput(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (const byte of bytes) {
    out.push(byte);
    if (byte === IAC) out.push(IAC);
  }
  return Buffer.from(out);
}

/** The NAWS sub-negotiation that tells telnetd the terminal is `cols` × `rows`. */
export function encodeWindowSize(cols: number, rows: number): Buffer {
  const body = encodeInput(Buffer.from([cols >> 8, cols & 0xff, rows >> 8, rows & 0xff]));
  return Buffer.concat([Buffer.from([IAC, SB, NAWS]), body, Buffer.from([IAC, SE])]);
}

type State = 'data' | 'iac' | 'option' | 'sub' | 'sub-iac';

/** Strips telnet commands from telnetd's output, across chunk boundaries. */
export class TelnetOutput {
  #state: State = 'data';

  /** The terminal bytes in `chunk`. */
  push(chunk: Uint8Array): Buffer {
    const out: number[] = [];
    for (const byte of chunk) {
      switch (this.#state) {
        case 'data':
          if (byte === IAC) this.#state = 'iac';
          else out.push(byte);
          break;
        case 'iac':
          if (byte === IAC) {
            out.push(IAC);
            this.#state = 'data';
          } else if (byte === SB) this.#state = 'sub';
          else if (byte >= FIRST_OPTION_VERB) this.#state = 'option';
          else this.#state = 'data';
          break;
        case 'option':
          this.#state = 'data';
          break;
        case 'sub':
          if (byte === IAC) this.#state = 'sub-iac';
          break;
        case 'sub-iac':
          this.#state = byte === SE ? 'data' : 'sub';
          break;
      }
    }
    return Buffer.from(out);
  }
}
