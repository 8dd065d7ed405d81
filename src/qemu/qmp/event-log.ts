/**
 * @module The events of one QMP connection: numbered from 1 in arrival order, kept in a short history and
 * handed to subscribers and waiters. The history is what lets a caller wait for an event a command causes
 * without racing it: read `count` before sending the command, then wait with `after` set to it, and an event
 * that arrived in between still counts. It never reads the clock (timeouts are timers) and does no I/O.
 */
import { MvError } from '../../errors/index.js';
import type { QmpEvent } from './codec.js';

/** How many recent events the log keeps for `waitFor({after})`. */
export const EVENT_HISTORY = 64;

/** Options for waiting; `after` is an event number, by default `count` at the call (only later events). */
export interface QmpWaitOptions {
  readonly timeoutMs: number;
  readonly after?: number;
}

interface Waiter {
  readonly name: string;
  readonly after: number;
  readonly resolve: (event: QmpEvent) => void;
  readonly reject: (error: MvError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Numbers, keeps and distributes the events of one connection. */
export class QmpEventLog {
  readonly #source: string;
  readonly #history: { readonly seq: number; readonly event: QmpEvent }[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<(event: QmpEvent) => void>();
  #count = 0;
  #ended = false;

  /** `source` names the connection in error messages (the socket path). */
  constructor(source: string) {
    this.#source = source;
  }

  /** The number of the latest event (0 before any). */
  get count(): number {
    return this.#count;
  }

  /** Takes in an event: numbers it, keeps it, then wakes waiters and calls subscribers, which must not throw. */
  record(event: QmpEvent): void {
    this.#count += 1;
    const seq = this.#count;
    this.#history.push({ seq, event });
    if (this.#history.length > EVENT_HISTORY) this.#history.shift();
    for (const waiter of this.#waiters) {
      if (waiter.name !== event.name || seq <= waiter.after) continue;
      this.#waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(event);
    }
    for (const listener of this.#listeners) listener(event);
  }

  /** The first `name` event numbered above `after`, from the history or yet to come; `qmp.timeout` otherwise. */
  waitFor(name: string, options: QmpWaitOptions): Promise<QmpEvent> {
    const after = options.after ?? this.#count;
    const seen = this.#history.find((entry) => entry.seq > after && entry.event.name === name);
    if (seen) return Promise.resolve(seen.event);
    if (this.#ended) {
      return Promise.reject(
        new MvError('qmp.disconnected', `Cannot wait for QMP event "${name}": "${this.#source}" is closed`, {
          hint: 'The QEMU process has probably exited; check its exit status and log.',
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const message = `No QMP event "${name}" on "${this.#source}" within ${options.timeoutMs} ms`;
        reject(new MvError('qmp.timeout', message, { hint: 'The guest or QEMU may be hung or slow.' }));
      }, options.timeoutMs);
      const waiter: Waiter = { name, after, resolve, reject, timer };
      this.#waiters.add(waiter);
    });
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: QmpEvent) => void): () => void {
    // A fresh wrapper per subscription, so the same function subscribed twice is also unsubscribed separately.
    const own = (event: QmpEvent) => listener(event);
    this.#listeners.add(own);
    return () => this.#listeners.delete(own);
  }

  /** The connection is gone: pending waits reject with `error`; later ones only find the history. */
  end(error: MvError): void {
    this.#ended = true;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
    this.#listeners.clear();
  }
}
