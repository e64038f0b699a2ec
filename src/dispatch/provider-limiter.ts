/**
 * Per-provider concurrency with a shared pause (research notes §6.2). One registry per process:
 * every agent of every run that talks to `openai` goes through the same limiter, so a 429 seen by
 * one agent holds back the others instead of letting each of them hit the limit in turn.
 *
 * - `run` waits for a slot (p-queue); an aborted waiting task leaves the queue at once.
 * - `pauseFor(ms)`: no new task starts on this provider until then; tasks already running go on.
 *   A longer pause extends the current one; a shorter one never shortens it.
 */
import PQueue from 'p-queue';

export interface ProviderLimiterOptions {
  /** Clock for `pausedUntil` (tests). The pause itself runs on real timers. */
  now?: () => number;
}

export class ProviderLimiter {
  readonly provider: string;
  readonly #queue: PQueue;
  readonly #now: () => number;
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(provider: string, concurrency: number, options: ProviderLimiterOptions = {}) {
    this.provider = provider;
    this.#queue = new PQueue({ concurrency: normaliseConcurrency(concurrency) });
    this.#now = options.now ?? Date.now;
  }

  get concurrency(): number {
    return this.#queue.concurrency;
  }

  set concurrency(value: number) {
    this.#queue.concurrency = normaliseConcurrency(value);
  }

  /** Tasks running now. */
  get running(): number {
    return this.#queue.pending;
  }

  /** Tasks waiting for a slot (or for the pause to end). */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Epoch ms until which no new task starts; 0 when not paused. */
  get pausedUntil(): number {
    return this.#pausedUntil > this.#now() ? this.#pausedUntil : 0;
  }

  /**
   * Runs `fn` in a slot. Rejects with `signal.reason` when `signal` aborts while the task waits
   * (the task never starts) or while it runs (`fn` gets the signal and should stop too).
   */
  run<T>(fn: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue.add(({ signal: taskSignal }) => fn(taskSignal), signal ? { signal } : {});
  }

  /** Holds back new tasks for `ms` from now (never shortens a pause already in force). */
  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#now() + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#queue.pause();
    clearTimeout(this.#timer);
    // Not unref'd: tasks may be waiting on this timer, and nothing else would wake them.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pausedUntil = 0;
      this.#queue.start();
    }, ms);
  }
}

export class ProviderLimiters {
  readonly #limiters = new Map<string, ProviderLimiter>();
  readonly #options: ProviderLimiterOptions;

  constructor(options: ProviderLimiterOptions = {}) {
    this.#options = options;
  }

  /** The limiter of `provider`, created on first use; a changed `concurrency` applies from now on. */
  get(provider: string, concurrency: number): ProviderLimiter {
    let limiter = this.#limiters.get(provider);
    if (!limiter) {
      limiter = new ProviderLimiter(provider, concurrency, this.#options);
      this.#limiters.set(provider, limiter);
    } else if (limiter.concurrency !== normaliseConcurrency(concurrency)) {
      limiter.concurrency = concurrency;
    }
    return limiter;
  }
}

function normaliseConcurrency(value: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}
