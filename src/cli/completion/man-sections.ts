/**
 * @module What the man pages say beyond the command tree: exit status, environment and files, for portalgun
 * and for scramble. The exit codes come from the error table, so the page cannot disagree with the CLI.
 * Pure: data only.
 */
import { EXIT_CODES } from '../../errors/index.js';
import type { ManSection } from './man-page.js';

const MEANING: Readonly<Record<keyof typeof EXIT_CODES, string>> = {
  failed: 'failed: QEMU exited early, a build or a host command failed, the agent was unreachable',
  'bad-input': 'bad input: usage, a formula, policy or manifest that is invalid, a confirmation refused',
  'not-found': 'not found: formula, portal, image, identity',
  conflict: 'conflict: already running, locked, or not allowed in this state',
  denied: 'denied: signature, replay, policy or rate limit',
  'host-not-ready': 'host not ready: a tool missing, not root, no daemon',
  timeout: 'timeout: QMP, boot or agent deadline',
  internal: 'internal bug: a broken invariant (please report it)',
  interrupted: 'interrupted (Ctrl-C)',
};

const EXIT_STATUS: ManSection = {
  title: 'Exit status',
  paragraph: 'With --json, an error is printed as {"error":{"code","message","hint","where"}} on stdout.',
  entries: [
    { term: '0', text: 'success' },
    ...Object.entries(EXIT_CODES).map(([category, code]) => ({
      term: String(code),
      text: MEANING[category as keyof typeof EXIT_CODES],
    })),
  ],
};

const DAEMON_RUN = {
  term: 'PORTALGUN_RUN',
  text: "The daemon's run folder, where its socket is (default /run/multiverse); --run overrides it.",
};
const SCRAMBLE_HOME = {
  term: 'SCRAMBLE_HOME',
  text: 'Where your Scramble ID and session keys are (default ~/.config/multiverse/scramble).',
};
const PASSPHRASE = {
  term: 'SCRAMBLE_PASSPHRASE',
  text: 'The passphrase, for automation; otherwise --passphrase-file or the terminal (never an argument).',
};

/** The sections of portalgun(1) after its commands. */
export const PORTALGUN_SECTIONS: readonly ManSection[] = [
  EXIT_STATUS,
  {
    title: 'Environment',
    entries: [
      {
        term: 'PORTALGUN_FORMULAS',
        text: "The formula tree (default: the bundled one). The daemon's tree wins when a daemon answers.",
      },
      DAEMON_RUN,
      { term: 'PORTALGUN_STATE', text: "The daemon's state folder (default /var/lib/multiverse)." },
      SCRAMBLE_HOME,
      PASSPHRASE,
      { term: 'PORTALGUN_DEBUG', text: 'Set to 1 to print stack traces.' },
    ],
  },
  {
    title: 'See also',
    entries: [{ term: 'scramble(1)', text: 'Scramble IDs, signed commands and the audit log.' }],
  },
];

/** The sections of scramble(1) after its commands. */
export const SCRAMBLE_SECTIONS: readonly ManSection[] = [
  EXIT_STATUS,
  {
    title: 'Environment',
    entries: [
      SCRAMBLE_HOME,
      PASSPHRASE,
      DAEMON_RUN,
      {
        term: 'PORTALGUN_STATE',
        text: 'Where audit verify and audit show find the log (<state>/audit.log).',
      },
    ],
  },
  { title: 'See also', entries: [{ term: 'portalgun(1)', text: 'The portal manager.' }] },
];
