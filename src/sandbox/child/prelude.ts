/**
 * The in-isolate half of the workflow API: the code that defines `agent`, `parallel`, `pipeline`,
 * `phase`, `log`, `budget`, `workflow`, `args` and `console` inside the V8 isolate, and installs the
 * determinism guards of guards.ts. `installPrelude` is never called in Node: its source text
 * (`PRELUDE_SOURCE`) is evaluated inside each fresh context, so it must be self-contained (no
 * imports, no closures over this module).
 *
 * What crosses the isolate wall (the bridges are ivm.References held only in closure variables,
 * never on a global the script can reach):
 * - agent(): prompt, options as JSON text, current phase, depth → { ok, value } | { ok, error } (copied);
 * - workflow(): reference as JSON text, args as JSON text, phase → { ok, value: resultJson } | error;
 * - log()/phase(): fire-and-forget strings (applyIgnored keeps their order);
 * - budget.spent(): a synchronous read of the host's running total.
 * Host errors never cross: the host replies with error *data* and the isolate builds its own Error.
 * parallel() and pipeline() run entirely inside the isolate, so only agent() dispatches take
 * concurrency slots on the host (PL3).
 */

/* eslint-disable */
export interface PreludeSettings {
  argsJson: string | null;
  budgetTotal: number | null;
  depth: number;
  initialPhase: string | null;
  logLineLimit: number;
  logCountLimit: number;
  maxEntries: number;
  maxRequestBytes: number;
  guards: Record<string, string>;
}

type Reference = {
  apply(receiver: undefined, args: unknown[], options: object): Promise<any>;
  applyIgnored(receiver: undefined, args: unknown[]): void;
  applySync(receiver: undefined, args: unknown[]): any;
};

/**
 * Runs inside the isolate. Returns the runner: an async function that calls the compiled
 * `globalThis.__workflow__` once and resolves to a JSON text `{ ok, resultJson } | { ok, kind, error }`.
 */
export function installPrelude(
  agentRef: Reference,
  logRef: Reference,
  phaseRef: Reference,
  workflowRef: Reference,
  spentRef: Reference,
  settingsJson: string,
): () => Promise<string> {
  'use strict';
  const G: any = globalThis;
  const settings: PreludeSettings = JSON.parse(settingsJson);
  // Captured before any user code runs, so a script that replaces JSON or Array methods cannot
  // change how the prelude talks to the host.
  const jsonStringify = JSON.stringify;
  const jsonParse = JSON.parse;
  const isArray = Array.isArray;
  const promiseAll = Promise.all.bind(Promise);
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const errorConstructors: Record<string, ErrorConstructor> = {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
  };
  const copyAndAwait = { arguments: { copy: true }, result: { promise: true, copy: true } };
  const depth = settings.depth;
  let currentPhase: string | null = settings.initialPhase;

  // ---- small helpers -------------------------------------------------------------------------

  function describe(value: unknown): string {
    if (value === null) return 'null';
    if (isArray(value)) return 'an array';
    if (typeof value === 'object' && typeof (value as any).then === 'function') return 'a Promise (did you forget await?)';
    return typeof value === 'object' ? 'an object' : `${typeof value} ${safeString(value)}`.trim();
  }

  function safeString(value: unknown): string {
    try {
      return typeof value === 'string' ? jsonStringify(value) : typeof value === 'function' ? '' : String(value);
    } catch {
      return '';
    }
  }

  function rebuildError(data: { name: string; message: string; hint?: string }): Error {
    const Constructor = errorConstructors[data.name] || Error;
    const error = new Constructor(data.message);
    if (!errorConstructors[data.name]) defineProperty(error, 'name', { value: data.name, writable: true, configurable: true });
    return error;
  }

  function errorData(error: unknown): { name: string; message: string; stack?: string } {
    try {
      if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
        const e = error as Error;
        return { name: String(e.name || 'Error'), message: String(e.message), stack: typeof e.stack === 'string' ? e.stack : undefined };
      }
      return { name: 'Error', message: `a non-Error value was thrown: ${describe(error)}` };
    } catch {
      return { name: 'Error', message: 'an error was thrown whose message could not be read' };
    }
  }

  /** JSON text of a value sent to the host; functions, symbols and BigInts are refused by name. */
  function toJson(value: unknown, what: string): string {
    const text = jsonStringify(value, function (key: string, v: unknown) {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
        throw new TypeError(`${what}: ${key ? `"${key}"` : 'the value'} is a ${typeof v}, which cannot leave the sandbox; use JSON values`);
      }
      return v;
    });
    if (text !== undefined && text.length > settings.maxRequestBytes) {
      throw new RangeError(`${what} is ${text.length} characters; the limit is ${settings.maxRequestBytes}`);
    }
    return text === undefined ? 'null' : text;
  }

  // ---- determinism and isolation guards (guards.ts) -------------------------------------------

  const guard = (id: string) => () => {
    throw new Error(settings.guards[id]);
  };

  const RealDate = Date;
  const SafeDate = function Date(this: unknown, ...rest: unknown[]) {
    if (!new.target) guard('date-argless')();
    if (rest.length === 0) guard('date-argless')();
    return Reflect.construct(RealDate, rest, new.target);
  } as unknown as DateConstructor;
  defineProperty(RealDate.prototype, 'constructor', { value: SafeDate, writable: false, configurable: false });
  (SafeDate as any).prototype = RealDate.prototype;
  (SafeDate as any).UTC = RealDate.UTC;
  (SafeDate as any).parse = RealDate.parse;
  (SafeDate as any).now = guard('date-now');
  freeze(SafeDate);
  defineProperty(G, 'Date', { value: SafeDate, writable: false, configurable: false });
  defineProperty(Math, 'random', { value: guard('math-random'), writable: false, configurable: false });

  const DateTimeFormat = Intl.DateTimeFormat;
  const realFormat = Object.getOwnPropertyDescriptor(DateTimeFormat.prototype, 'format')!.get!;
  const realFormatToParts = DateTimeFormat.prototype.formatToParts;
  defineProperty(DateTimeFormat.prototype, 'format', {
    configurable: false,
    get() {
      const bound = realFormat.call(this);
      return (date?: Date | number) => (date === undefined ? guard('intl-now')() : bound(date));
    },
  });
  defineProperty(DateTimeFormat.prototype, 'formatToParts', {
    configurable: false,
    writable: false,
    value(this: Intl.DateTimeFormat, date?: Date | number) {
      return date === undefined ? guard('intl-now')() : realFormatToParts.call(this, date);
    },
  });
  // formatRange needs two dates, and toLocaleString works on an existing Date: neither reads the clock.

  // Code generation from strings: the Function constructors of every function kind, and eval.
  const noCodeGeneration = guard('code-generation');
  const functionKinds = [
    function () {},
    async function () {},
    function* () {},
    async function* () {},
  ];
  for (const sample of functionKinds) {
    const prototype = Object.getPrototypeOf(sample);
    const Original = prototype.constructor;
    const Blocked = function Function() {
      return noCodeGeneration();
    };
    Blocked.prototype = Original.prototype;
    defineProperty(prototype, 'constructor', { value: Blocked, writable: false, configurable: false });
    if (Original === Function) defineProperty(G, 'Function', { value: Blocked, writable: false, configurable: false });
  }
  defineProperty(G, 'eval', { value: noCodeGeneration, writable: false, configurable: false });

  for (const name of ['WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics', 'WebAssembly']) delete G[name];
  if (typeof G.Temporal !== 'undefined' && G.Temporal && G.Temporal.Now) delete G.Temporal.Now;

  // ---- the API --------------------------------------------------------------------------------

  let logCount = 0;
  function formatValue(value: unknown): string {
    if (typeof value === 'string') return value;
    try {
      const text = jsonStringify(value);
      return text === undefined ? String(value) : text;
    } catch {
      try {
        return String(value);
      } catch {
        return '[unprintable]';
      }
    }
  }

  /** PH2: strings as they are, other values as JSON, space-joined; one line per call. */
  function log(...values: unknown[]): void {
    logCount += 1;
    if (logCount > settings.logCountLimit) {
      if (logCount === settings.logCountLimit + 1) {
        logRef.applyIgnored(undefined, [`[wf] log limit of ${settings.logCountLimit} lines reached; further lines are dropped`]);
      }
      return;
    }
    let line = values.map(formatValue).join(' ');
    if (line.length > settings.logLineLimit) {
      line = `${line.slice(0, settings.logLineLimit)}… [${line.length - settings.logLineLimit} more characters dropped]`;
    }
    logRef.applyIgnored(undefined, [line]);
  }

  /** PH1: later agent() calls in this context belong to `title`. */
  function phase(title: unknown): void {
    if (typeof title !== 'string' || title.trim() === '') {
      throw new TypeError(`phase(title): phase title must be a string, got ${describe(title)}`);
    }
    currentPhase = title;
    phaseRef.applyIgnored(undefined, [title, depth]);
  }

  /** A1–A6. Validation of options beyond their shape happens on the host, which owns the rules. */
  async function agent(prompt: unknown, options?: unknown): Promise<unknown> {
    if (typeof prompt !== 'string') {
      throw new TypeError(`agent(prompt, options): prompt must be a string, got ${describe(prompt)}`);
    }
    if (options !== undefined && options !== null && (typeof options !== 'object' || isArray(options))) {
      throw new TypeError(`agent(prompt, options): options must be an object, got ${describe(options)}`);
    }
    if (prompt.length > settings.maxRequestBytes) {
      throw new RangeError(`agent(): the prompt is ${prompt.length} characters; the limit is ${settings.maxRequestBytes}`);
    }
    const optionsJson = toJson(options === undefined ? null : options, 'agent() options');
    const reply = await agentRef.apply(undefined, [prompt, optionsJson, currentPhase, depth], copyAndAwait);
    if (!reply.ok) throw rebuildError(reply.error);
    return reply.value;
  }

  function checkEntries(name: string, value: unknown, noun: string): asserts value is unknown[] {
    if (!isArray(value)) throw new TypeError(`${name}() expects an array of ${noun}, got ${describe(value)}`);
    if (value.length > settings.maxEntries) {
      throw new RangeError(
        `${name}() accepts at most ${settings.maxEntries} ${noun}, got ${value.length}; split the work into batches`,
      );
    }
  }

  function reportDropped(name: string, index: number, error: unknown): null {
    const data = errorData(error);
    log(`[wf] ${name}() entry ${index} failed and became null: ${data.name}: ${data.message}`);
    return null;
  }

  /** PL1–PL3: functions are called, promises awaited, values passed through; never rejects. */
  async function parallel(entries: unknown): Promise<unknown[]> {
    checkEntries('parallel', entries, 'entries');
    return promiseAll(
      entries.map(async (entry, index) => {
        try {
          return await (typeof entry === 'function' ? entry() : entry);
        } catch (error) {
          return reportDropped('parallel', index, error);
        }
      }),
    );
  }

  /** PP1–PP2: each item flows through the stages on its own; a throw makes that item null. */
  async function pipeline(items: unknown, ...stages: unknown[]): Promise<unknown[]> {
    checkEntries('pipeline', items, 'items');
    stages.forEach((stage, index) => {
      if (typeof stage !== 'function') {
        throw new TypeError(`pipeline() stage ${index + 1} must be a function, got ${describe(stage)}`);
      }
    });
    if (stages.length === 0) return items.slice();
    return promiseAll(
      items.map(async (item, index) => {
        let previous: unknown = item;
        for (const stage of stages as Array<(p: unknown, i: unknown, n: number) => unknown>) {
          try {
            previous = await stage(previous, item, index);
          } catch (error) {
            return reportDropped('pipeline', index, error);
          }
        }
        return previous;
      }),
    );
  }

  /** W1–W2: another workflow, inline, sharing this run's limits; one level only. */
  async function workflow(reference: unknown, childArgs?: unknown): Promise<unknown> {
    if (depth > 0) {
      throw new Error('workflow() cannot be called from a child workflow: workflows nest one level only');
    }
    const valid =
      (typeof reference === 'string' && reference !== '') ||
      (typeof reference === 'object' && reference !== null && typeof (reference as any).scriptPath === 'string');
    if (!valid) {
      throw new TypeError(`workflow(nameOrRef, args): expected a name or { scriptPath }, got ${describe(reference)}`);
    }
    const referenceJson = toJson(typeof reference === 'string' ? reference : { scriptPath: (reference as any).scriptPath }, 'workflow() reference');
    const argsJson = childArgs === undefined ? null : toJson(childArgs, 'workflow() args');
    const reply = await workflowRef.apply(undefined, [referenceJson, argsJson, currentPhase], copyAndAwait);
    if (!reply.ok) throw rebuildError(reply.error);
    return jsonParse(reply.value);
  }

  const budgetTotal = settings.budgetTotal;
  const budget = freeze({
    total: budgetTotal,
    spent(): number {
      return spentRef.applySync(undefined, []);
    },
    remaining(): number {
      if (budgetTotal === null) return Infinity;
      const left = budgetTotal - spentRef.applySync(undefined, []);
      return left > 0 ? left : 0;
    },
  });

  const console = freeze({
    log: (...values: unknown[]) => log(...values),
    info: (...values: unknown[]) => log(...values),
    warn: (...values: unknown[]) => log(...values),
    error: (...values: unknown[]) => log(...values),
    debug: (...values: unknown[]) => log(...values),
  });

  const api: Record<string, unknown> = { agent, parallel, pipeline, phase, log, workflow, budget, console };
  for (const name of Object.keys(api)) {
    defineProperty(G, name, { value: api[name], writable: false, configurable: false, enumerable: false });
  }
  // AR1: a fresh copy per context; mutating it changes nothing outside.
  G.args = settings.argsJson === null ? undefined : jsonParse(settings.argsJson);

  // ---- the result (F4, F6) --------------------------------------------------------------------

  function findUnserializable(root: unknown): string | null {
    const seen: unknown[] = [];
    const visit = (value: unknown, path: string): string | null => {
      switch (typeof value) {
        case 'function':
          return `the result holds a function at ${path}; results must be JSON values (strings, numbers, booleans, null, arrays and plain objects)`;
        case 'bigint':
          return `the result holds a BigInt at ${path}, which JSON cannot represent; convert it with String() or Number()`;
        case 'symbol':
          return `the result holds a symbol at ${path}, which JSON cannot represent`;
        case 'object': {
          if (value === null) return null;
          if (typeof (value as any).then === 'function') {
            return `the result holds a Promise at ${path}: did you forget await? (agent(), parallel(), pipeline() and workflow() return promises)`;
          }
          if (value instanceof Map || value instanceof Set) {
            const kind = value instanceof Map ? 'Map (use Object.fromEntries(map))' : 'Set (use [...set])';
            return `the result holds a ${kind} at ${path}, which JSON would turn into {}`;
          }
          if (seen.includes(value)) return `the result holds a circular reference at ${path}`;
          seen.push(value);
          const keys = isArray(value) ? value.map((_, i) => i) : Object.keys(value as object);
          for (const key of keys) {
            const problem = visit((value as any)[key], isArray(value) ? `${path}[${key}]` : `${path}.${String(key)}`);
            if (problem) return problem;
          }
          seen.pop();
          return null;
        }
        default:
          return null;
      }
    };
    try {
      return visit(root, 'result');
    } catch (error) {
      return `the result could not be inspected: ${errorData(error).message}`;
    }
  }

  return async function runWorkflow(): Promise<string> {
    const body = G.__workflow__;
    delete G.__workflow__;
    if (typeof body !== 'function') {
      return jsonStringify({ ok: false, kind: 'sandbox', error: { name: 'Error', message: 'the compiled workflow did not define its body' } });
    }
    let result: unknown;
    try {
      result = await body();
    } catch (error) {
      return jsonStringify({ ok: false, kind: 'script', error: errorData(error) });
    }
    const problem = findUnserializable(result);
    if (problem) return jsonStringify({ ok: false, kind: 'result', error: { name: 'TypeError', message: problem } });
    try {
      const resultJson = jsonStringify(result === undefined ? null : result);
      return jsonStringify({ ok: true, resultJson: resultJson === undefined ? 'null' : resultJson });
    } catch (error) {
      return jsonStringify({ ok: false, kind: 'result', error: { name: 'TypeError', message: `the result is not JSON: ${errorData(error).message}` } });
    }
  };
}

/** The prelude as source text, evaluated by the child with its bridges as `$0`…`$5`. */
export const PRELUDE_SOURCE = `return (${installPrelude.toString()})($0, $1, $2, $3, $4, $5);`;
