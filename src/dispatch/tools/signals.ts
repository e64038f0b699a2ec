/**
 * One abort signal for "the caller gave up or the time limit passed". Written by hand rather than
 * with `AbortSignal.any` so the timer can be cleared as soon as the work is done (no timer keeps
 * the process alive) and so a timeout can be told apart from the caller's abort.
 */
export interface Deadline {
  signal: AbortSignal;
  /** True once the time limit (not the outer signal) caused the abort. */
  readonly timedOut: boolean;
  /** Stops the timer and the listener on the outer signal. */
  dispose(): void;
}

export function deadline(outer: AbortSignal | undefined, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
