/**
 * @module Progress of long operations on stderr (stdout stays for results), one line per step with the
 * time since the command started. A step may quote the guest (its status lines), so it is printed
 * without control sequences.
 */
import { terminalSafe } from '../text/index.js';

/** A progress printer for one command. */
export function progressPrinter(): (message: string) => void {
  const started = performance.now();
  return (message) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`[${seconds}s] ${terminalSafe(message)}\n`);
  };
}
