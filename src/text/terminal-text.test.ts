import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forTerminal, terminalSafe } from './terminal-text.js';

const ESC = '\u001b';
const BEL = '\u0007';

describe('terminalSafe', () => {
  it('keeps printable text, newlines and tabs, in any script', () => {
    const text = 'booting\tstage 2\nready: ü 漢字 🙂 ~ [ok]\n';
    assert.equal(terminalSafe(text), text);
  });

  const cases: { name: string; input: string; output: string }[] = [
    {
      name: 'OSC 52 setting the clipboard (BEL-terminated)',
      input: `a${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==${BEL}b`,
      output: 'ab',
    },
    { name: 'OSC 52 ended by ST', input: `a${ESC}]52;c;cm0gLXJm${ESC}\\b`, output: 'ab' },
    {
      name: 'a window title set (OSC 0)',
      input: `${ESC}]0;you have been hacked${BEL}ready`,
      output: 'ready',
    },
    { name: 'CSI cursor moves and erasure', input: `ok${ESC}[2A${ESC}[1;1H${ESC}[2Jdone`, output: 'okdone' },
    { name: 'CSI colours and private modes', input: `${ESC}[31;1mred${ESC}[0m${ESC}[?1049h`, output: 'red' },
    { name: '8-bit C1 CSI', input: 'a\u009b2Jb\u009b10;10Hc', output: 'abc' },
    { name: '8-bit OSC ended by 8-bit ST', input: 'a\u009d52;c;AAAA\u009cb', output: 'ab' },
    { name: 'DCS ended by ST', input: `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, output: 'ab' },
    {
      name: 'APC, PM and SOS',
      input: `a${ESC}_x${ESC}\\b${ESC}^y${ESC}\\c${ESC}Xz${ESC}\\d`,
      output: 'abcd',
    },
    { name: 'two-byte ESC sequences (reset, charset)', input: `a${ESC}cb${ESC}(0c${ESC}7d`, output: 'abcd' },
    {
      name: 'carriage return, backspace, bell, DEL',
      input: 'safe\rfake\b\u0007\u007f!',
      output: 'safefake!',
    },
    {
      name: 'other C0 and C1 controls',
      input: 'a\u0000\u0001\u000b\u000c\u001fb\u0080\u0085c',
      output: 'abc',
    },
    { name: 'an unterminated OSC to the end', input: `text${ESC}]52;c;QUFB`, output: 'text' },
    { name: 'a lone ESC at the end', input: `text${ESC}`, output: 'text' },
    { name: 'a cut CSI at the end', input: `text${ESC}[12;`, output: 'text' },
    { name: 'a string sequence cut by a new escape', input: `a${ESC}]0;title${ESC}[2Jb`, output: 'ab' },
  ];
  for (const { name, input, output } of cases) {
    it(`removes ${name}`, () => {
      assert.equal(terminalSafe(input), output);
    });
  }

  it('leaves nothing a terminal would act on, whatever the input', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const alphabet = [
      ESC,
      BEL,
      '[',
      ']',
      'P',
      '\\',
      '\u009b',
      '\u009c',
      '\u009d',
      '\r',
      'a',
      '1',
      ';',
      'm',
      '\n',
    ];
    for (let round = 0; round < 2000; round += 1) {
      const input = Array.from({ length: 24 }, () => alphabet[next() % alphabet.length]).join('');
      const safe = terminalSafe(input);
      const controls = [...safe].filter((c) => c !== '\n' && c !== '\t' && /\p{Cc}/u.test(c));
      assert.deepEqual(controls, [], JSON.stringify(input));
    }
  });
});

describe('forTerminal', () => {
  it('filters for a terminal and passes bytes through to a pipe or file', () => {
    const text = `out${ESC}]52;c;QUFB${BEL}\n`;
    assert.equal(forTerminal({ isTTY: true }, text), 'out\n');
    assert.equal(forTerminal({ isTTY: false }, text), text);
    assert.equal(forTerminal({}, text), text);
  });
});

describe('terminalSafe on a status file (as tailLines shows it)', () => {
  it('removes escape sequences and control characters but keeps newlines and tabs', () => {
    assert.equal(terminalSafe('\x1b[1;32mOK\x1b[0m\tdone\r\n\x07bell\x7f\n'), 'OK\tdone\nbell\n');
  });

  it('keeps ordinary and non-ASCII text as it is', () => {
    assert.equal(terminalSafe('portal: ready — ünïcode'), 'portal: ready — ünïcode');
  });

  it('drops an unterminated escape sequence at the end', () => {
    assert.equal(terminalSafe('text\x1b[12'), 'text');
  });
});
