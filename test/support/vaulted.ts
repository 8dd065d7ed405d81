/**
 * @module The formula a user adds in the jail tests: a console with a persistent volume (`wallet`), so a
 * portal has a share and a volume to protect.
 */

/** `{ node: yaml }` for startTestDaemon's `userFormulas`. */
export const VAULTED_FORMULA = {
  'application/vaulted': `extends: application/console
description: a console with a wallet volume that survives it
disks:
  wallet: { size: 16, persistent: true }
`,
} as const;
