/**
 * @module `run <absolute-path> [args…]`: starts one program from the portal's allow-list, compared exactly,
 * with an argv array (never a shell), stdin closed, a 30 s deadline and 64 KiB kept of each output stream.
 */
import { MvError } from '../../../errors/index.js';
import { spawnOrFail, type VerbHandler } from '../verb-handler.js';

/** `run <path> [args…]` → `{exitCode, signal, stdout, stderr, truncated}`. */
export const run: VerbHandler = async (args, { config, system }) => {
  const [file, ...rest] = args;
  if (file === undefined || !file.startsWith('/')) {
    throw new MvError('agent.bad-args', 'Usage: run <absolute-path> [args…]');
  }
  if (!config.run.includes(file)) {
    throw new MvError('agent.command-not-allowed', `"${file}" is not in this portal's run list`);
  }
  const { exitCode, signal, stdout, stderr, truncated } = await spawnOrFail(system, { file, args: rest });
  return { result: { exitCode, signal, stdout, stderr, truncated } };
};
