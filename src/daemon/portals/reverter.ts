/**
 * @module Undo lists for multi-step host work (Incus's `revert`): each step that changes the host registers
 * how to undo it; `success()` keeps the changes, `fail()` undoes them newest first. An undo that fails is
 * reported and the others still run, so one stuck step never leaves the rest behind.
 */

/** One registered undo. */
type Undo = () => unknown;

/** Collects undos while a multi-step action runs. */
export class Reverter {
  private undos: { readonly what: string; readonly undo: Undo }[] = [];

  constructor(private readonly report: (message: string) => void) {}

  /** Registers the undo of a step that just succeeded. */
  add(what: string, undo: Undo): void {
    this.undos.push({ what, undo });
  }

  /** The action succeeded: keep everything. */
  success(): void {
    this.undos = [];
  }

  /** The action failed: undo every step, newest first. */
  async fail(): Promise<void> {
    const undos = this.undos.reverse();
    this.undos = [];
    for (const { what, undo } of undos) {
      try {
        await undo();
      } catch (error) {
        this.report(`could not undo "${what}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
