/**
 * The determinism and isolation rules of the sandbox, as data (S1, S2). The prelude applies each
 * row by its `id`; tests iterate over the table; docs print it. A message says what is refused,
 * why (it breaks resume, or it would reach outside the sandbox) and what to do instead.
 */

export interface GuardRule {
  id: string;
  /** What the script writes. */
  global: string;
  /** What happens instead. */
  behaviour: 'throws' | 'removed';
  message: string;
  rule: string;
}

const TIME_FIX =
  'pass the time in through args instead, e.g. --args \'{"now":"2026-01-01T00:00:00Z"}\' and new Date(args.now)';

export const GUARDS: readonly GuardRule[] = [
  {
    id: 'date-now',
    global: 'Date.now()',
    behaviour: 'throws',
    message: `Date.now() is not available in workflow scripts: it breaks resume (a re-run would see another time); ${TIME_FIX}`,
    rule: 'S2',
  },
  {
    id: 'date-argless',
    global: 'new Date() / new Date / Date()',
    behaviour: 'throws',
    message: `new Date() without arguments is not available in workflow scripts: it breaks resume (a re-run would see another time); ${TIME_FIX}`,
    rule: 'S2',
  },
  {
    id: 'math-random',
    global: 'Math.random()',
    behaviour: 'throws',
    message:
      'Math.random() is not available in workflow scripts: it breaks resume (a re-run would make other choices); vary prompts by index instead (parallel() and pipeline() give you one), or pass a seed through args',
    rule: 'S2',
  },
  {
    id: 'intl-now',
    global: 'Intl.DateTimeFormat().format() with no date',
    behaviour: 'throws',
    message: `Intl.DateTimeFormat().format() without a date is not available in workflow scripts: it reads the clock and breaks resume; ${TIME_FIX}`,
    rule: 'S2',
  },
  {
    id: 'code-generation',
    global: 'eval(), new Function(), Function.prototype.constructor',
    behaviour: 'throws',
    message:
      'code generation from strings (eval, new Function) is disabled in workflow scripts; write the code in the script itself',
    rule: 'S1',
  },
  {
    id: 'gc-observers',
    global: 'WeakRef, FinalizationRegistry',
    behaviour: 'removed',
    message: 'they expose garbage-collection timing, which differs between runs',
    rule: 'S2',
  },
  {
    id: 'shared-memory',
    global: 'SharedArrayBuffer, Atomics',
    behaviour: 'removed',
    message: 'there is no other thread to share memory with; Atomics.wait could only block the run',
    rule: 'S1',
  },
  {
    id: 'webassembly',
    global: 'WebAssembly',
    behaviour: 'removed',
    message: 'its memories live outside the isolate heap (they would get past the heap limit) and can be shared',
    rule: 'S3',
  },
  {
    id: 'temporal-now',
    global: 'Temporal.Now',
    behaviour: 'removed',
    message: 'it reads the clock (native from Node 26 on) and breaks resume',
    rule: 'S2',
  },
];

/** id → message, the shape the prelude receives. */
export function guardMessages(): Record<string, string> {
  return Object.fromEntries(GUARDS.map((guard) => [guard.id, guard.message]));
}
