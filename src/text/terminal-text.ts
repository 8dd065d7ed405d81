/**
 * @module Text a guest (or anyone the host merely relays) wrote, made safe to print on the owner's
 * terminal: every control sequence and control character is removed, so the text cannot move the cursor,
 * rewrite lines already shown, retitle the window, or set the clipboard (OSC 52). Kept: newline, tab and
 * every printable character. Removed: C0 controls (carriage return, backspace and bell included), DEL, the
 * C1 controls (0x80–0x9F, 8-bit CSI and OSC among them), and whole sequences: CSI (`ESC [` or 0x9B, to its
 * final byte), the string sequences OSC, DCS, SOS, PM and APC (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _`
 * or their 8-bit forms, to BEL or the string terminator, or to the end of the text), and every other
 * `ESC` sequence. A sequence cut off at the end of the text is dropped as far as it goes; what follows in
 * the next piece then prints as plain text, never as a command.
 * `portalgun console` and `shell` pass guest bytes raw: a terminal there is the point.
 */

const ESC = 0x1b;
const BEL = 0x07;
const ST_8BIT = 0x9c;
const CSI_8BIT = 0x9b;
/** 8-bit DCS, SOS, OSC, PM, APC: each opens a string ended by ST. */
const STRING_8BIT = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** The byte after ESC that opens the same strings: P, X, ], ^, _. */
const STRING_7BIT = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);

const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);
const inRange = (code: number, low: number, high: number) => code >= low && code <= high;

/** `text` with every terminal control sequence and control character but newline and tab removed. */
export function terminalSafe(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === ESC) {
      i = skipEscape(text, i + 1);
    } else if (code === CSI_8BIT) {
      i = skipCsi(text, i + 1);
    } else if (STRING_8BIT.has(code)) {
      i = skipString(text, i + 1);
    } else {
      if (code === 0x0a || code === 0x09 || !isControl(code)) out += text[i];
      i += 1;
    }
  }
  return out;
}

// After ESC: CSI, a string sequence, or intermediates (0x20–0x2F) and one final byte (0x30–0x7E).
function skipEscape(text: string, start: number): number {
  const next = text.charCodeAt(start);
  if (next === 0x5b) return skipCsi(text, start + 1);
  if (STRING_7BIT.has(next)) return skipString(text, start + 1);
  let i = start;
  while (i < text.length && inRange(text.charCodeAt(i), 0x20, 0x2f)) i += 1;
  return i < text.length && inRange(text.charCodeAt(i), 0x30, 0x7e) ? i + 1 : i;
}

// CSI: parameters (0x30–0x3F), intermediates (0x20–0x2F), then one final byte (0x40–0x7E).
function skipCsi(text: string, start: number): number {
  let i = start;
  while (i < text.length && inRange(text.charCodeAt(i), 0x20, 0x3f)) i += 1;
  return i < text.length && inRange(text.charCodeAt(i), 0x40, 0x7e) ? i + 1 : i;
}

// A string sequence ends at BEL (as xterm accepts for OSC), ST (`ESC \` or 0x9C), or the end of the text.
function skipString(text: string, start: number): number {
  for (let i = start; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === ST_8BIT) return i + 1;
    // An ESC that is not ST ends the string too, and starts a sequence of its own.
    if (code === ESC) return text.charCodeAt(i + 1) === 0x5c ? i + 2 : i;
  }
  return text.length;
}

/** `text` as it may go to `stream`: filtered when that is a terminal, byte for byte when it is a pipe or file. */
export function forTerminal(stream: { readonly isTTY?: boolean }, text: string): string {
  return stream.isTTY === true ? terminalSafe(text) : text;
}
