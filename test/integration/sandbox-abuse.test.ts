/**
 * Security battery: a hostile workflow script tries to leave the sandbox, to poison the host, to
 * read the host's secrets and to take the wf process down (spec §3 S1–S4). Every test runs the
 * script through the real compile → sandbox child → engine path (test/support/run-script.ts); this
 * test process *is* the wf engine, so "the host" below means this very process.
 *
 * Each attempt must end in a clear error or a clean result, must not reach the host, and must leave
 * this process alive and unpolluted (checked after every test). Tests marked `test.fails` document
 * a weakness that is real today; each says what is wrong and is listed in the report that came with
 * this file. When the weakness is fixed the test starts passing and vitest flags it: drop `.fails`.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProxy } from 'node:util/types';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WfValidationError } from '../../src/errors.js';
import { workflowLoader } from '../../src/index.js';
import { GUARDS } from '../../src/sandbox/child/guards.js';
import { ScriptedDispatcher } from '../../src/testing/scripted-dispatcher.js';
import { errorOf, resultOf, runScript, type ScriptRun } from '../support/run-script.js';

const CODE_GENERATION = GUARDS.find((guard) => guard.id === 'code-generation')!.message;

/** What a host file path looks like in a message or stack (brief: no /src/, /dist/, node_modules, node:internal). */
const HOST_PATH = /\/src\/|\/dist\/|node_modules|node:internal|file:\/\//;
/** The only frames a stack seen inside the isolate may have: the prelude and the user's code. */
const ISOLATE_FRAME = /^ {4}at (?:async )?(?:[\w$.<>]+ )?\(?(?:<isolated-vm>|workflow\.gen\.js):\d+:\d+\)?$/;

/**
 * Inside the isolate: runs `f` and names what happened. "blocked" is the code-generation guard,
 * so a constructor chain that ends there reached only the isolate's own (disabled) Function.
 */
const ATTEMPT = `const attempt = (f) => {
  try { return "ran: " + String(f()) }
  catch (e) { return String(e && e.message).startsWith("code generation from strings") ? "blocked" : e.name + ": " + e.message }
};`;

/** Inside the isolate: every object reachable from globalThis (own properties, accessors, prototypes). */
const WALK_GLOBALS = `const walkGlobals = () => {
  const seen = new Set(); const objects = []; const strings = [];
  const queue = [[globalThis, "globalThis", 0]];
  while (queue.length > 0) {
    const [value, path, depth] = queue.shift();
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) continue;
    seen.add(value);
    objects.push([value, path]);
    if (depth >= 8) continue;
    let keys = [];
    try { keys = Reflect.ownKeys(value) } catch {}
    for (const key of keys) {
      let desc;
      try { desc = Reflect.getOwnPropertyDescriptor(value, key) } catch { continue }
      if (!desc) continue;
      if (typeof desc.value === "string") strings.push(desc.value);
      queue.push([desc.value, path + "." + String(key), depth + 1]);
      if (desc.get) queue.push([desc.get, path + ".get:" + String(key), depth + 1]);
      if (desc.set) queue.push([desc.set, path + ".set:" + String(key), depth + 1]);
    }
    try { queue.push([Reflect.getPrototypeOf(value), path + ".[[Prototype]]", depth + 1]) } catch {}
  }
  return { objects, strings };
};`;

const OBJECT_PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype).map(String).sort();
const ARRAY_PROTOTYPE_KEYS = Reflect.ownKeys(Array.prototype).map(String).sort();

/** This process (the wf engine) must come out of every attack with clean prototypes. */
function expectHostPrototypesClean(): void {
  expect(Reflect.ownKeys(Object.prototype).map(String).sort()).toEqual(OBJECT_PROTOTYPE_KEYS);
  expect(Reflect.ownKeys(Array.prototype).map(String).sort()).toEqual(ARRAY_PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** Longest stall of this process's event loop while `work` runs: a frozen host cannot stop anything. */
async function withEventLoopWatch<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  let last = performance.now();
  let maxStallMs = 0;
  const beat = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 10);
  try {
    const value = await work();
    return { value, maxStallMs: Math.max(maxStallMs, performance.now() - last) };
  } finally {
    clearInterval(beat);
  }
}

/** Every text the run left on the host: summary, events, journal, run record, agent records. */
function everythingRecorded(run: ScriptRun): string {
  const files = ['journal.jsonl', 'run.json', 'args.json'].filter((name) => existsSync(join(run.summary.runDir, name)));
  return [
    JSON.stringify(run.summary),
    JSON.stringify(run.events),
    JSON.stringify(run.journal),
    JSON.stringify(run.dispatcher.calls),
    ...files.map((name) => readFileSync(join(run.summary.runDir, name), 'utf8')),
    ...(existsSync(join(run.summary.runDir, 'agents.jsonl')) ? run.agentRecords().map((record) => JSON.stringify(record)) : []),
  ].join('\n');
}

/** Linux: the environment blocks of this process's sandbox children, read from /proc. */
function sandboxChildEnvironments(): string[][] {
  const found: string[][] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('child/main.js')) continue;
      found.push(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).sort());
    } catch {
      /* the process ended while we looked */
    }
  }
  return found;
}

afterEach(() => {
  expectHostPrototypesClean();
});

describe('S1 constructor chains reach only the isolate realm', () => {
  test('S1 a constructor chain from every API function ends at the isolate\'s disabled Function', async () => {
    const result = await resultOf(`${ATTEMPT}
      const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {});
      const fns = { agent, parallel, pipeline, phase, log, workflow, spent: budget.spent, remaining: budget.remaining,
        consoleLog: console.log, consoleError: console.error };
      const out = {};
      for (const [name, f] of Object.entries(fns)) {
        out[name] = [
          f instanceof Function,
          Object.getPrototypeOf(f) === Function.prototype || Object.getPrototypeOf(f) === AsyncFunctionPrototype,
          attempt(() => f.constructor("return typeof process")()),
          attempt(() => f.constructor.constructor("return process")()),
          attempt(() => Object.getPrototypeOf(f).constructor("return globalThis")()),
          attempt(() => f.call.constructor("return process")()),
        ];
      }
      return out`);
    const expected = ['agent', 'parallel', 'pipeline', 'phase', 'log', 'workflow', 'spent', 'remaining', 'consoleLog', 'consoleError'];
    expect(result).toEqual(Object.fromEntries(expected.map((name) => [name, [true, true, 'blocked', 'blocked', 'blocked', 'blocked']])));
  });

  test('S1 errors thrown by host refusals are rebuilt as isolate errors with no host properties', async () => {
    const result = await resultOf(
      `${ATTEMPT}
      const errors = [];
      const keep = async (f) => { try { await f(); errors.push(null) } catch (e) { errors.push(e) } };
      await keep(() => agent(5));
      await keep(() => agent("x", { effort: "nope" }));
      await keep(() => workflow("no-such-flow"));
      await keep(() => agent("x", { schema: { type: "object", properties: { a: { type: "number", minimum: 5, maximum: 1 } } } }));
      await agent("spend the budget");
      await keep(() => agent("over budget"));
      return errors.map((e) => [
        e.name,
        e instanceof Error,
        Object.getPrototypeOf(e) === TypeError.prototype || Object.getPrototypeOf(e) === Error.prototype,
        Object.getOwnPropertyNames(e).filter((key) => !["stack", "message", "name"].includes(key)),
        attempt(() => e.constructor.constructor("return process")()),
        attempt(() => Object.getPrototypeOf(Object.getPrototypeOf(e)).constructor.constructor("return process")()),
      ])`,
      { budget: 5 },
    );
    const same = (name: string) => [name, true, true, [], 'blocked', 'blocked'];
    expect(result).toEqual([same('TypeError'), same('TypeError'), same('UnknownWorkflowError'), same('WfSchemaError'), same('BudgetExhaustedError')]);
  });

  test('S1 the promise returned by agent() is the isolate\'s own Promise and carries nothing else', async () => {
    const result = await resultOf(`${ATTEMPT}
      const p = agent("x");
      const q = parallel([]);
      const facts = [p, q].map((promise) => [
        promise instanceof Promise,
        Object.getPrototypeOf(promise) === Promise.prototype,
        promise.constructor === Promise,
        Reflect.ownKeys(promise).length,
        attempt(() => promise.constructor.constructor("return process")()),
        attempt(() => promise.then.constructor("return process")()),
      ]);
      return [facts, await p, await q]`);
    expect(result).toEqual([
      [
        [true, true, true, 0, 'blocked', 'blocked'],
        [true, true, true, 0, 'blocked', 'blocked'],
      ],
      'done: x',
      [],
    ]);
  });

  test('S1 budget and args are frozen or plain objects of the isolate realm', async () => {
    const result = await resultOf(
      `${ATTEMPT}
      let assign;
      try { budget.total = 1; assign = "assigned" } catch (e) { assign = e.name }
      return [
        Object.getOwnPropertyNames(budget).sort(), Object.isFrozen(budget), Object.getPrototypeOf(budget) === Object.prototype,
        attempt(() => budget.constructor.constructor("return process")()),
        attempt(() => budget.spent.constructor("return process")()),
        Object.getPrototypeOf(args) === Object.prototype, Object.getPrototypeOf(args.list) === Array.prototype,
        attempt(() => args.constructor.constructor("return process")()),
        attempt(() => args.list.constructor.constructor("return process")()),
        attempt(() => args.name.constructor.constructor("return process")()),
        assign, budget.total,
      ]`,
      { budget: 1000, args: { list: [1], name: 'n' } },
    );
    expect(result).toEqual([['remaining', 'spent', 'total'], true, true, 'blocked', 'blocked', true, true, 'blocked', 'blocked', 'blocked', 'TypeError', 1000]);
  });

  test('S1 Function, AsyncFunction, GeneratorFunction and AsyncGeneratorFunction constructors and eval refuse code strings', async () => {
    const result = await resultOf(`${ATTEMPT}
      const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
      const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;
      const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;
      const redefine = (target) => { try { Object.defineProperty(target, "constructor", { value: Object }); return "redefined" } catch (e) { return e.name } };
      return {
        call: attempt(() => Function("return 1")()),
        construct: attempt(() => new Function("return 1")()),
        prototypeConstructor: attempt(() => Function.prototype.constructor("return 1")()),
        reflect: attempt(() => Reflect.construct(Function, ["return 1"])()),
        viaCall: attempt(() => Function.call(null, "return 1")()),
        async: attempt(() => AsyncFunction("return 1")),
        generator: attempt(() => new GeneratorFunction("yield 1")),
        asyncGenerator: attempt(() => AsyncGeneratorFunction("yield 1")),
        eval: attempt(() => eval("1 + 1")),
        indirectEval: attempt(() => (0, eval)("1 + 1")),
        globalEval: attempt(() => globalThis.eval("1 + 1")),
        redefine: [Function.prototype, AsyncFunction.prototype, GeneratorFunction.prototype, AsyncGeneratorFunction.prototype].map(redefine),
        stillBlocked: attempt(() => (() => {}).constructor("return 1")()),
      }`);
    expect(result).toEqual({
      call: 'blocked',
      construct: 'blocked',
      prototypeConstructor: 'blocked',
      reflect: 'blocked',
      viaCall: 'blocked',
      async: 'blocked',
      generator: 'blocked',
      asyncGenerator: 'blocked',
      eval: 'blocked',
      indirectEval: 'blocked',
      globalEval: 'blocked',
      redefine: ['TypeError', 'TypeError', 'TypeError', 'TypeError'],
      stillBlocked: 'blocked',
    });
    expect(CODE_GENERATION).toMatch(/^code generation from strings/);
  });

  test('S1 setTimeout("code") cannot evaluate a string: timers do not exist', async () => {
    const result = await resultOf(`const out = {};
      for (const name of ["setTimeout", "setInterval", "setImmediate", "queueMicrotask", "requestAnimationFrame"]) out[name] = typeof globalThis[name];
      try { setTimeout("globalThis.hacked = 1", 0); out.call = "ran" } catch (e) { out.call = e.name + ": " + e.message }
      out.hacked = typeof globalThis.hacked;
      return out`);
    expect(result).toEqual({
      setTimeout: 'undefined',
      setInterval: 'undefined',
      setImmediate: 'undefined',
      queueMicrotask: 'undefined',
      requestAnimationFrame: 'undefined',
      call: 'ReferenceError: setTimeout is not defined',
      hacked: 'undefined',
    });
  });

  test('S1 import(), require() and import.meta are rejected at compile time, before anything runs', async () => {
    const dispatcher = new ScriptedDispatcher();
    const attempts = [
      ['const fs = await import("node:fs"); return fs.readFileSync("/etc/passwd", "utf8")', /import\(\) is not allowed in workflow scripts/],
      ['const name = "node:" + "child_process"; const cp = await import(name); return 1', /import\(\) is not allowed in workflow scripts/],
      ['const cp = require("child_process"); return cp.execSync("id").toString()', /require\(\) is not allowed in workflow scripts/],
      ['return import.meta.url', /import\.meta is not allowed in workflow scripts/],
    ] as const;
    for (const [source, message] of attempts) {
      const running = runScript(source, { dispatcher });
      await expect(running).rejects.toBeInstanceOf(WfValidationError);
      await expect(running).rejects.toThrow(message);
    }
    expect(dispatcher.calls).toEqual([]);
  });
});

describe('S1 nothing of the host is visible from the isolate', () => {
  test('S1 globalThis holds the API and standard builtins only: no isolated-vm objects, no $0, no ivm', async () => {
    const result = (await resultOf(`${WALK_GLOBALS}
      const { objects } = walkGlobals();
      const engineNames = /^(Reference|ExternalCopy|Isolate|Context|Callback|NativeModule)$/;
      const suspicious = [];
      for (const [value, path] of objects) {
        let name = "";
        try { name = typeof value === "function" ? value.name : String(value.constructor && value.constructor.name) } catch {}
        const tag = Object.prototype.toString.call(value);
        if (engineNames.test(name) || /Reference|ExternalCopy|Isolate/.test(tag)) suspicious.push(path + " " + tag + " " + name);
      }
      const forbidden = ["$0", "$1", "$2", "$3", "$4", "$5", "ivm", "_ivm", "Reference", "ExternalCopy", "Isolate", "Context",
        "Callback", "__workflow__", "__meta__", "process", "require", "module", "exports", "global", "Buffer", "fetch"];
      return {
        names: Reflect.ownKeys(globalThis).map(String),
        present: forbidden.filter((name) => name in globalThis),
        suspicious,
        walked: objects.length,
      }`)) as { names: string[]; present: string[]; suspicious: string[]; walked: number };
    const STANDARD = new Set(
      `Object Function Array Number parseFloat parseInt Infinity NaN undefined Boolean String Symbol Date Promise RegExp Error
      AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError globalThis JSON Math Intl ArrayBuffer
      Uint8Array Int8Array Uint16Array Int16Array Uint32Array Int32Array Float32Array Float64Array Float16Array Uint8ClampedArray
      BigUint64Array BigInt64Array DataView Map BigInt Set WeakMap WeakSet Proxy Reflect decodeURI decodeURIComponent encodeURI
      encodeURIComponent escape unescape eval isFinite isNaN WebAssembly Iterator Symbol(Symbol.toStringTag)
      DisposableStack AsyncDisposableStack SuppressedError`.split(/\s+/), // the last three: V8 in Node 24 (explicit resource management)
    );
    expect(result.names.filter((name) => !STANDARD.has(name)).sort()).toEqual(
      ['agent', 'args', 'budget', 'console', 'log', 'parallel', 'phase', 'pipeline', 'workflow'],
    );
    expect(result.present).toEqual([]);
    expect(result.suspicious).toEqual([]);
    expect(result.walked).toBeGreaterThan(500); // the walk really covered the realm
  });

  test('S1 process.env is unreachable through every route a script has', async () => {
    const result = await resultOf(`${ATTEMPT}
      const inspectFrames = () => {
        let found = [];
        const previous = Error.prepareStackTrace;
        Error.prepareStackTrace = (error, frames) => {
          for (const frame of frames) {
            const self = frame.getThis();
            const fn = frame.getFunction();
            if (self !== undefined && self !== null) found.push("this:" + typeof self);
            if (fn !== undefined) found.push("function:" + fn.name);
          }
          return "";
        };
        new Error("probe").stack;
        Error.prepareStackTrace = previous;
        return found;
      };
      const frames = await parallel([() => inspectFrames()]);
      return {
        typeofProcess: typeof process,
        globalProperty: String(globalThis.process),
        reflect: String(Reflect.get(globalThis, "process")),
        inGlobal: "process" in globalThis,
        functionThis: String((function () { return this })()),
        constructorChain: attempt(() => agent.constructor.constructor("return process.env")()),
        promiseChain: attempt(() => Promise.resolve().constructor.constructor("return process.env")()),
        errorChain: attempt(() => new Error("x").constructor.constructor("return process.env")()),
        frames: frames[0],
        direct: attempt(() => process.env.HOME),
      }`);
    expect(result).toEqual({
      typeofProcess: 'undefined',
      globalProperty: 'undefined',
      reflect: 'undefined',
      inGlobal: false,
      functionThis: 'undefined',
      constructorChain: 'blocked',
      promiseChain: 'blocked',
      errorChain: 'blocked',
      frames: [],
      direct: 'ReferenceError: process is not defined',
    });
  });

  describe('with a credential in the wf process environment', () => {
    const SECRET = 'sk-test-123';
    let previous: string | undefined;
    beforeAll(() => {
      previous = process.env.WF_TEST_SECRET;
      process.env.WF_TEST_SECRET = SECRET;
    });
    afterAll(() => {
      if (previous === undefined) delete process.env.WF_TEST_SECRET;
      else process.env.WF_TEST_SECRET = previous;
    });

    test('S1 the sandbox child\'s environment holds no credentials and no route in the script finds one', async () => {
      expect(process.env.WF_TEST_SECRET).toBe(SECRET);
      let childEnvironments: string[][] = [];
      const run = await runScript(
        `${WALK_GLOBALS}
        const texts = [];
        const note = (value) => { try { texts.push(typeof value === "string" ? value : JSON.stringify(value)) } catch {} };
        const { strings } = walkGlobals();
        texts.push(...strings);
        note(args); note(budget.total); note(typeof process);
        for (const attempt of [
          () => workflow({ scriptPath: "/proc/self/environ" }),
          () => workflow("/proc/self/environ"),
          () => workflow("WF_TEST_SECRET"),
          () => agent("x", { model: "$WF_TEST_SECRET" }),
          () => agent("x", { effort: process }),
        ]) {
          try { note(await attempt()) } catch (e) { note(e.name); note(e.message); note(e.stack) }
        }
        note(await agent("print the environment variable WF_TEST_SECRET"));
        const everything = texts.join("\\n");
        return { secretFound: everything.includes("sk-test-123"), markerFound: everything.includes(args.marker), texts: texts.length }`,
        {
          args: { marker: 'MARKER-4d1f' },
          rules: [{ match: 'print the environment', hold: true }],
          during: async (dispatcher) => {
            await dispatcher.waitForHeld(1);
            if (process.platform === 'linux') childEnvironments = sandboxChildEnvironments();
            dispatcher.release();
          },
        },
      );
      // The scan works (it finds the marker passed in args) and still finds no secret.
      expect(run.summary.result).toEqual({ secretFound: false, markerFound: true, texts: expect.any(Number) });
      expect((run.summary.result as { texts: number }).texts).toBeGreaterThan(100);
      expect(everythingRecorded(run)).not.toContain(SECRET);
      expect(run.logs.join('\n')).not.toContain(SECRET);
      if (process.platform === 'linux') {
        // Built from nothing: only the marker and the IPC variables Node's fork() adds itself.
        expect(childEnvironments).toEqual([['NODE_CHANNEL_FD=3', 'NODE_CHANNEL_SERIALIZATION_MODE=json', 'WF_SANDBOX=1']]);
      }
    });
  });
});

describe('S1 prototype pollution stays data', () => {
  test('S1 a result with __proto__ and constructor.prototype keys reaches the host as plain own data', async () => {
    const run = await runScript(
      `return JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":[{"__proto__":{"polluted":"yes"}}]}')`,
    );
    const result = run.summary.result as Record<string, any>;
    expect(run.summary.status).toBe('completed');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(result.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.a[0])).toBe(Object.prototype);
    expect(result.a[0].polluted).toBeUndefined();
    const text = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":[{"__proto__":{"polluted":"yes"}}]}';
    expect(JSON.stringify(result)).toBe(text);
    const record = JSON.parse(readFileSync(join(run.summary.runDir, 'run.json'), 'utf8'));
    expect(JSON.stringify(record.result)).toBe(text);
    expectHostPrototypesClean();
  });

  test('S1 prototype pollution inside the isolate stays there: the result, the host and a child workflow are clean', async () => {
    const child = 'export const meta = { name: "child", description: "c" };\nreturn [({}).polluted ?? "clean", [].extra ?? "clean"]';
    const result = await resultOf(
      `Object.prototype.polluted = "in-isolate"; Array.prototype.extra = "in-isolate";
      Object.defineProperty(Object.prototype, "toJSON", { value: undefined, writable: true, enumerable: false });
      const fromChild = await workflow({ scriptPath: "./child.js" });
      return { a: [1], seen: ({}).polluted, fromChild }`,
      { files: { 'child.js': child } },
    );
    expect(result).toEqual({ a: [1], seen: 'in-isolate', fromChild: ['clean', 'clean'] });
    expect(Object.keys(result as object)).toEqual(['a', 'seen', 'fromChild']);
    expectHostPrototypesClean();
  });

  test('S1 __proto__ keys in args reach the script as plain own data, never as a prototype', async () => {
    const hostArgs = JSON.parse('{"__proto__":{"polluted":"yes"},"a":1}');
    const run = await runScript(
      `return [Object.keys(args), Object.getPrototypeOf(args) === Object.prototype, args.polluted === undefined,
        ({}).polluted === undefined, Object.getOwnPropertyDescriptor(args, "__proto__").value.polluted]`,
      { args: hostArgs },
    );
    expect(run.summary.result).toEqual([['__proto__', 'a'], true, true, true, 'yes']);
    expect(readFileSync(join(run.summary.runDir, 'args.json'), 'utf8')).toContain('"__proto__"');
    expectHostPrototypesClean();
  });

  test('S1 __proto__ keys in agent options are dropped with a warning, never merged into the options', async () => {
    const run = await runScript(`
      const viaJson = await agent("one", JSON.parse('{"__proto__":{"model":"evil/model","schema":{"type":"object"},"label":"evil"},"label":"ok"}'));
      const viaLiteral = await agent("two", { __proto__: { model: "evil/model", label: "evil" } });
      let nested;
      try { await agent("three", { cache: JSON.parse('{"__proto__":{"ttl":"1s"}}') }) } catch (e) { nested = e.name + ": " + e.message }
      return [viaJson, viaLiteral, nested]`);
    expect(run.summary.result).toEqual([
      'done: one',
      'done: two',
      'TypeError: agent(prompt, options): cache accepts only ttl and key, got "__proto__"',
    ]);
    expect(run.summary.warnings).toEqual(['agent(): unknown option "__proto__" was dropped']);
    expect(run.dispatcher.calls.map((call) => [call.prompt, call.label, call.model, call.schema])).toEqual([
      ['one', 'ok', undefined, undefined],
      ['two', 'two', undefined, undefined],
    ]);
    expectHostPrototypesClean();
  });

  test('S1 agent replies holding __proto__ keys reach the script as plain data', async () => {
    const reply = JSON.parse('{"__proto__":{"polluted":"yes"},"a":1}');
    const result = await resultOf(
      `const structured = await agent("structured", { schema: { type: "object" } });
      const text = await agent("text");
      return [Object.keys(structured), Object.getPrototypeOf(structured) === Object.prototype, structured.polluted === undefined,
        ({}).polluted === undefined, structured.__proto__.polluted, typeof text, text]`,
      { rules: [{ reply }] },
    );
    expect(result).toEqual([['__proto__', 'a'], true, true, true, 'yes', 'string', '{"__proto__":{"polluted":"yes"},"a":1}']);
    expectHostPrototypesClean();
  });
});

describe('S1 host errors seen inside the script leak no host details', () => {
  test('S1 refusals for bad options, schemas, unknown workflows, the budget and the agent limit carry no host paths', async () => {
    const probe = `
      const seen = [];
      const keep = async (f) => { try { await f(); seen.push(null) } catch (e) { seen.push({ name: e.name, message: e.message, stack: e.stack }) } };
      await keep(() => agent("x", { effort: "nope" }));
      await keep(() => agent("x", { schema: { type: "object", required: ["a"], additionalProperties: false } }));
      await keep(() => agent("x", { timeout: "soon" }));
      await keep(() => workflow("no-such-flow"));
      await keep(() => workflow({ scriptPath: "./missing.js" }));
      await keep(() => workflow({ scriptPath: "./broken.js" }));
      await agent("spend");
      await keep(() => agent("refused"));
      return seen`;
    const files = { 'broken.js': 'export const meta = { name: "broken", description: "b" };\nreturn (' };
    const budgetRun = (await resultOf(probe, { budget: 5, files })) as Array<{ name: string; message: string; stack: string }>;
    const limitRun = (await resultOf(probe, { maxAgents: 1, files })) as Array<{ name: string; message: string; stack: string }>;
    expect(budgetRun.map((e) => e.name)).toEqual(['TypeError', 'WfSchemaError', 'TypeError', 'UnknownWorkflowError', 'WfUsageError', 'SyntaxError', 'BudgetExhaustedError']);
    expect(budgetRun[6]!.message).toBe('budget exhausted: 10 of 5 tokens spent');
    expect(limitRun[6]!.name).toBe('AgentLimitError');
    expect(limitRun[6]!.message).toBe('agent limit reached: a workflow run can start at most 1 agents');
    for (const error of [...budgetRun, ...limitRun]) {
      expect(error.message).not.toMatch(HOST_PATH);
      expect(error.message).not.toContain(process.cwd());
      expect(error.stack).not.toMatch(HOST_PATH);
      expect(error.stack).not.toContain(process.cwd());
      const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) expect(frame).toMatch(ISOLATE_FRAME);
    }
  });

  test('S1 the refusal of agent() after a stop carries no host paths', async () => {
    const run = await runScript(
      `const first = await agent("hold me");
      let caught = null;
      try { await agent("after the stop") } catch (e) { caught = { name: e.name, message: e.message, stack: e.stack } }
      log(JSON.stringify({ first, caught }));
      return "end"`,
      {
        rules: [{ match: 'hold me', hold: true }],
        during: async (dispatcher, stop) => {
          await dispatcher.waitForHeld(1);
          stop();
        },
      },
    );
    expect(run.summary.status).toBe('stopped');
    expect(run.logs).toHaveLength(1);
    const { first, caught } = JSON.parse(run.logs[0]!);
    expect(first).toBeNull();
    expect(caught.name).toBe('RunStoppedError');
    expect(caught.message).toBe('the run was stopped: agent() cannot start new agents');
    expect(caught.stack).not.toMatch(HOST_PATH);
    expect(caught.stack).not.toContain(process.cwd());
    for (const frame of caught.stack.split('\n').slice(1)) expect(frame).toMatch(ISOLATE_FRAME);
    expect(run.dispatcher.calls.map((call) => call.prompt)).toEqual(['hold me']);
  });

  // WEAKNESS: the "unknown workflow" message lists every directory searched as an absolute host
  // path, including the package's own catalog (…/node_modules/wf/catalog when installed) and the
  // user's home directory. It reaches the script verbatim through workflow().
  test('S1 the unknown-workflow refusal does not reveal where wf is installed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-cwd-'));
    const installed = '/usr/local/lib/node_modules/wf/catalog';
    const message = await resultOf('try { await workflow("no-such-flow") } catch (e) { return e.message }', {
      loadWorkflow: workflowLoader({ cwd, homeDir: join(cwd, 'home'), catalogDir: installed }),
    });
    expect(message).toMatch(/^unknown workflow "no-such-flow"/);
    expect(message).not.toMatch(HOST_PATH);
  });

  // WEAKNESS: workflow({ scriptPath }) and workflow("<path>") accept absolute paths and `..`, and
  // the host reads the file and compiles it. The error that comes back says whether the path
  // exists, whether it is a directory, and quotes the file's first token ("found `root`" for
  // /etc/passwd; for /proc/self/environ the name of the wf process's first environment variable).
  test('S1 workflow() cannot probe or read host files outside the workflow directories', async () => {
    const result = (await resultOf(`
      const messages = {};
      for (const [key, ref] of [["passwd", { scriptPath: "/etc/passwd" }], ["missing", { scriptPath: "/etc/no-such-file-here" }],
                                ["directory", { scriptPath: "/etc" }], ["traversal", "../../../../../../etc/passwd"]]) {
        try { await workflow(ref); messages[key] = "loaded" } catch (e) { messages[key] = e.message }
      }
      return messages`)) as Record<string, string>;
    expect(result.passwd).not.toContain('root');
    expect(result.traversal).not.toContain('root');
    // No existence oracle: a present file, a missing one and a directory are refused alike.
    const shape = (message: string) => message.replace(/\/etc(\/[\w-]*)?/g, '<path>');
    expect(shape(result.passwd!)).toBe(shape(result.missing!));
    expect(shape(result.directory!)).toBe(shape(result.missing!));
  });
});

describe('S1 Proxy and Symbol tricks', () => {
  test('S1 a Proxy as agent options is read through its traps and reaches the host as plain JSON', async () => {
    const run = await runScript(`
      const reads = [];
      const options = new Proxy({}, {
        ownKeys: () => ["label", "effort"],
        getOwnPropertyDescriptor: () => ({ value: "x", enumerable: true, configurable: true }),
        get: (target, key) => { reads.push(String(key)); return key === "label" ? "from-proxy" : key === "effort" ? "low" : undefined },
      });
      const reply = await agent("proxy options", options);
      return [reply, reads.filter((key) => key === "label" || key === "effort")]`);
    expect(run.summary.result).toEqual(['done: proxy options', ['label', 'effort']]);
    expect(run.dispatcher.calls.map((call) => [call.label, call.effort])).toEqual([['from-proxy', 'low']]);
  });

  test('S1 a Proxy whose traps throw makes agent() reject catchably and dispatches nothing', async () => {
    const run = await runScript(`
      const out = [];
      const hostile = new Proxy({}, {
        ownKeys: () => ["label"],
        getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }),
        get() { throw new Error("trap fired") },
      });
      for (const call of [() => agent("x", hostile), () => agent(hostile), () => agent("x", { label: hostile })]) {
        try { await call(); out.push("dispatched") } catch (e) { out.push(e.name + ": " + e.message) }
      }
      return out`);
    expect(run.summary.result).toEqual(['Error: trap fired', 'Error: trap fired', 'Error: trap fired']);
    expect(run.dispatcher.calls).toEqual([]);
  });

  test('S1 Symbol.toPrimitive and toString on a prompt are never invoked; symbols, functions and BigInts cannot cross', async () => {
    const run = await runScript(`
      const out = [];
      const sneaky = { [Symbol.toPrimitive]() { log("coerced"); return "x" }, toString() { log("coerced"); return "x" } };
      const calls = [
        () => agent(sneaky), () => agent(new String("boxed")), () => agent(Symbol("s")),
        () => agent("x", { label: Symbol("s") }), () => agent("x", { label: () => "f" }), () => agent("x", { max_tool_calls: 1n }),
      ];
      for (const call of calls) { try { await call(); out.push("dispatched") } catch (e) { out.push(e.name + ": " + e.message) } }
      out.push(await agent("x", { [Symbol("hidden")]: "dropped", label: "plain" }));
      return out`);
    expect(run.summary.result).toEqual([
      'TypeError: agent(prompt, options): prompt must be a string, got an object',
      'TypeError: agent(prompt, options): prompt must be a string, got an object',
      'TypeError: agent(prompt, options): prompt must be a string, got symbol Symbol(s)',
      'TypeError: agent() options: "label" is a symbol, which cannot leave the sandbox; use JSON values',
      'TypeError: agent() options: "label" is a function, which cannot leave the sandbox; use JSON values',
      'TypeError: agent() options: "max_tool_calls" is a bigint, which cannot leave the sandbox; use JSON values',
      'done: x',
    ]);
    expect(run.logs).toEqual([]);
    expect(run.dispatcher.calls.map((call) => call.label)).toEqual(['plain']);
  });

  test('S1 a Proxy returned as the result is copied into plain host data; a throwing or revoked one fails cleanly', async () => {
    const copied = await runScript(`return new Proxy({}, {
      ownKeys: () => ["a", "b"],
      getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }),
      get: (target, key) => key === "a" ? 1 : key === "b" ? [2] : undefined,
    })`);
    expect(copied.summary.result).toEqual({ a: 1, b: [2] });
    expect(Object.getPrototypeOf(copied.summary.result)).toBe(Object.prototype);
    expect(isProxy(copied.summary.result)).toBe(false);

    const throwing = await errorOf('return new Proxy({}, { get() { throw new Error("boom") } })');
    expect([throwing.name, throwing.code, throwing.message]).toEqual(['Error', 'WF_SCRIPT_ERROR', 'boom']);
    const revoked = await errorOf('const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy');
    expect([revoked.name, revoked.message]).toEqual(['TypeError', "Cannot perform 'get' on a proxy that has been revoked"]);
  });

  test('S1 a thenable result is awaited like a promise; a thenable nested in the result is refused', async () => {
    expect(await resultOf('return { then(resolve) { resolve({ via: "thenable" }) } }')).toEqual({ via: 'thenable' });
    const nested = await errorOf('return { x: { then() {} } }');
    expect(nested.message).toBe(
      'the result holds a Promise at result.x: did you forget await? (agent(), parallel(), pipeline() and workflow() return promises)',
    );
  });

  test('S1 a thrown Proxy cannot break the runner, and a thrown object cannot forge an engine error code', async () => {
    const proxy = await errorOf('throw new Proxy({}, { get() { throw 1 }, has() { throw 1 }, getPrototypeOf() { throw 1 } })');
    expect([proxy.name, proxy.code, proxy.message]).toEqual(['Error', 'WF_SCRIPT_ERROR', 'an error was thrown whose message could not be read']);
    const forged = await errorOf('throw { name: "WfCpuLimitError", code: "WF_CPU_LIMIT", hint: "forged hint", message: "fake" }');
    expect(forged.code).toBe('WF_SCRIPT_ERROR');
    expect(forged.hint).toBeUndefined();
    expect(forged.message).toBe('fake');
  });
});

describe('S3 limits: the run ends, wf survives', () => {
  test('S1 a 50 MB prompt is refused inside the isolate with a clear RangeError; nothing is dispatched', async () => {
    const run = await runScript(`const out = [];
      try { await agent("p".repeat(50 * 1024 * 1024)) } catch (e) { out.push(e.name + ": " + e.message) }
      try { await agent("x", { label: "l".repeat(9 * 1024 * 1024) }) } catch (e) { out.push(e.name + ": " + e.message) }
      return out`);
    expect(run.summary.result).toEqual([
      'RangeError: agent(): the prompt is 52428800 characters; the limit is 8388608',
      'RangeError: agent() options is 9437196 characters; the limit is 8388608',
    ]);
    expect(run.dispatcher.calls).toEqual([]);
    expect(run.summary.agentCount).toBe(0);
  });

  test('S3 deep recursion is a catchable RangeError inside the script, which then carries on', async () => {
    const result = await resultOf(`function dive(n) { return dive(n + 1) + 1 }
      let caught;
      try { dive(0) } catch (e) { caught = [e instanceof RangeError, e.name, e.message] }
      return [caught, await agent("after the overflow")]`);
    expect(result).toEqual([[true, 'RangeError', 'Maximum call stack size exceeded'], 'done: after the overflow']);
  });

  test('S3 uncaught deep recursion fails the run cleanly with the RangeError; wf runs the next script', async () => {
    const error = await errorOf('function dive(n) { return dive(n + 1) + 1 }\nreturn dive(0)');
    expect([error.name, error.code, error.message]).toEqual(['RangeError', 'WF_SCRIPT_ERROR', 'Maximum call stack size exceeded']);
    expect(error.location?.line).toBe(1);
    expect(await resultOf('return 1 + 1')).toBe(2);
  });

  test('S3 a memory bomb hits the 32 MB heap limit; the run directory records it and wf survives', async () => {
    const run = await runScript('const hoard = []; while (true) hoard.push(new Array(100000).fill(1.5));', { heapLimitMb: 32, cpuLimitMs: 20_000 });
    expect(run.summary.status).toBe('failed');
    expect(run.summary.error).toEqual({
      name: 'WfHeapLimitError',
      code: 'WF_HEAP_LIMIT',
      message: 'the script ran out of memory: the sandbox heap limit is 32 MB',
      hint: 'raise it with --memory-limit, or keep less data in the script',
    });
    const record = JSON.parse(readFileSync(join(run.summary.runDir, 'run.json'), 'utf8'));
    expect([record.status, record.error.code]).toEqual(['failed', 'WF_HEAP_LIMIT']);
    expect(run.journal.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', error: { code: 'WF_HEAP_LIMIT' } });
    expect(await resultOf('return "alive"')).toBe('alive');
  });

  test('S3 a 1 GiB ArrayBuffer is refused inside the isolate under a 32 MB heap limit', async () => {
    const result = await resultOf(
      'try { return new ArrayBuffer(2 ** 30).byteLength } catch (e) { return e.name + ": " + e.message }',
      { heapLimitMb: 32 },
    );
    expect(result).toBe('RangeError: Array buffer allocation failed');
  });

  // WEAKNESS: WebAssembly.Memory is allocated outside the isolate's accounted heap: with a 32 MB
  // limit a script gets (and touches) 256 MiB, and can grow memories to GiBs in the sandbox process.
  test('S3 WebAssembly memory cannot be used to exceed the heap limit', async () => {
    const run = await runScript(
      `if (typeof WebAssembly === "undefined") return "no WebAssembly";
      try { const memory = new WebAssembly.Memory({ initial: 4096 }); new Uint8Array(memory.buffer).fill(1); return memory.buffer.byteLength }
      catch (e) { return e.name }`,
      { heapLimitMb: 32 },
    );
    const outcome = run.summary.status === 'completed' ? run.summary.result : run.summary.error?.code;
    expect(['no WebAssembly', 'RangeError', 'WF_HEAP_LIMIT']).toContain(outcome);
  });

  test('S1 SharedArrayBuffer and Atomics are absent from the global scope', async () => {
    expect(
      await resultOf('return [typeof SharedArrayBuffer, typeof Atomics, "SharedArrayBuffer" in globalThis, "Atomics" in globalThis, typeof WeakRef, typeof FinalizationRegistry]'),
    ).toEqual(['undefined', 'undefined', false, false, 'undefined', 'undefined']);
  });

  // WEAKNESS (low): the prelude deletes the SharedArrayBuffer global, but a shared
  // WebAssembly.Memory hands one out, and with it the constructor.
  test('S1 a shared WebAssembly memory does not hand out a SharedArrayBuffer', async () => {
    const result = await resultOf(`if (typeof WebAssembly === "undefined") return "no WebAssembly";
      try {
        const buffer = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer;
        return Object.prototype.toString.call(buffer) + " " + typeof Object.getPrototypeOf(buffer).constructor;
      } catch (e) { return e.name }`);
    expect(['no WebAssembly', 'TypeError', 'RangeError']).toContain(result);
  });

  test('S3 an infinite loop is stopped by a 300 ms CPU limit, also inside code the prelude calls back', async () => {
    for (const source of ['while (true) {}', 'log({ toJSON() { for (;;) {} } })', 'await agent("x", { get label() { for (;;) {} } })']) {
      const started = performance.now();
      const error = await errorOf(source, { cpuLimitMs: 300 });
      expect(error).toEqual({
        name: 'WfCpuLimitError',
        code: 'WF_CPU_LIMIT',
        message: 'the script used more than 300 ms of CPU time and was stopped (a loop that never awaits?)',
        hint: 'raise the limit with --cpu-limit if the work is genuine',
      });
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });

  test('S3 an infinite microtask loop after an await is stopped by the CPU limit', async () => {
    const run = await runScript(
      `await agent("first");
      let turns = 0;
      const spin = () => { turns++; return Promise.resolve().then(spin) };
      await spin();`,
      { cpuLimitMs: 300 },
    );
    expect(run.summary.status).toBe('failed');
    expect(run.summary.error?.code).toBe('WF_CPU_LIMIT');
    expect(run.summary.agentCount).toBe(1);
  });

  test('S3 agent calls left pending when the script returns are cancelled and the summary arrives', async () => {
    const started = performance.now();
    const run = await runScript('agent("held one"); agent("held two"); return "early"', {
      rules: [{ match: 'held', hold: true }],
      stopGraceMs: 500,
    });
    expect(run.summary.status).toBe('completed');
    expect(run.summary.result).toBe('early');
    expect(run.summary.agentCount).toBe(2);
    expect(run.dispatcher.held).toBe(0);
    // Whichever had been dispatched by then (keying is asynchronous) was cancelled and finished.
    expect(run.dispatcher.finished.map((call) => call.prompt).sort()).toEqual(run.dispatcher.calls.map((call) => call.prompt).sort());
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('S3 a parallel() left pending when the script returns ends with the run', async () => {
    const started = performance.now();
    const run = await runScript('parallel([() => agent("held a"), () => agent("held b"), () => new Promise(() => {})]); return "early"', {
      rules: [{ match: 'held', hold: true }],
      stopGraceMs: 500,
    });
    expect([run.summary.status, run.summary.result, run.summary.agentCount]).toEqual(['completed', 'early', 2]);
    expect(run.dispatcher.held).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  // WEAKNESS: with no wall-clock limit (the default), a script awaiting a promise that can never
  // settle idles forever: no CPU is used, no agent is pending, and nothing ends the run. Here the
  // test itself stops the run after 4 s, so today it ends as "stopped" instead of "failed".
  test('S3 a script awaiting a thenable that never settles does not hang the run forever', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4_000);
    const run = await runScript('return { then() {} }', { signal: controller.signal, stopGraceMs: 200 });
    clearTimeout(timer);
    expect(run.summary.status).toBe('failed');
  }, 20_000);

  // WEAKNESS: the sandbox child calls process.disconnect() right after sending `run-end`; Node
  // drops IPC writes still queued at that moment. A result (or error, or last log batch) larger
  // than what the pipe takes at once is lost and the run is recorded as a sandbox crash ("exited
  // with code 0 before the run ended").
  test('S3 a 2 MB result reaches the host instead of being reported as a sandbox crash', async () => {
    const run = await runScript('return "r".repeat(2 * 1024 * 1024)');
    expect(run.summary.error).toBeNull();
    expect((run.summary.result as string).length).toBe(2 * 1024 * 1024);
  });

  test('S3 20 000 phase() calls right before the end do not lose the run-end', async () => {
    const run = await runScript('for (let i = 0; i < 20000; i++) phase("p" + i); return "done"');
    expect([run.summary.status, run.summary.result]).toEqual(['completed', 'done']);
  });

  // WEAKNESS: schema preflight runs the script's patternProperties regexes against the script's
  // `required` keys on the host's main thread: catastrophic backtracking freezes the wf process
  // (each extra "a" doubles the time), and neither the CPU nor the wall-clock limit can fire.
  test('S3 a catastrophic-backtracking schema regex cannot freeze the wf process', async () => {
    const { value: run, maxStallMs } = await withEventLoopWatch(() =>
      runScript(
        `try { await agent("x", { schema: { type: "object", required: ["a".repeat(27) + "!"], patternProperties: { "^(a+)+$": {} } } }) }
        catch (e) { return e.message }
        return "dispatched"`,
        { timeoutMs: 500 },
      ),
    );
    expect(run.summary.status).not.toBe('running');
    expect(maxStallMs).toBeLessThan(1_000);
  }, 60_000);

  // WEAKNESS: parseDuration's /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/ is quadratic on
  // "1" + many spaces + "x"; an options object may be 8 MB, so one agent() call can freeze the
  // host for hours (60 000 spaces ≈ 3 s, 1 000 000 ≈ 15 min).
  test('S3 a pathological timeout string cannot freeze the wf process', async () => {
    const { value: run, maxStallMs } = await withEventLoopWatch(() =>
      runScript('try { await agent("x", { timeout: "1" + " ".repeat(60000) + "x" }) } catch (e) { return e.name } return "dispatched"', {
        timeoutMs: 500,
      }),
    );
    expect(run.summary.status).not.toBe('running');
    expect(maxStallMs).toBeLessThan(1_000);
  }, 60_000);
});

describe('S4 the log is bounded', () => {
  test('S4 console methods are frozen and go to the run log; the log cannot be redirected', async () => {
    const run = await runScript(`const out = [];
      for (const attempt of [() => { console.log = () => {} }, () => { globalThis.console = {} },
                             () => Object.defineProperty(globalThis, "console", { value: {} }), () => { delete globalThis.log }]) {
        try { attempt(); out.push("changed") } catch (e) { out.push(e.name) }
      }
      console.log("a"); console.info("b"); console.warn("c"); console.error("d"); console.debug("e"); log("f");
      return out`);
    expect(run.summary.result).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError']);
    expect(run.logs).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('S4 a 20 MB log line is truncated to 64 KiB with a notice', async () => {
    const run = await runScript('log("z".repeat(20 * 1024 * 1024)); return "ok"');
    expect(run.summary.result).toBe('ok');
    expect(run.logs).toHaveLength(1);
    expect(run.logs[0]).toBe(`${'z'.repeat(65536)}… [20905984 more characters dropped]`);
  });

  test('S4 a million log() calls complete; the log is capped at 100 000 lines plus one notice', async () => {
    // The trailing agent() makes the host read every log batch before the run ends (see the
    // run-end weakness above), so this test is about the cap only.
    const run = await runScript('for (let i = 0; i < 1000000; i++) log("line", i); await agent("sync"); return "done"');
    expect(run.summary.status).toBe('completed');
    expect(run.summary.result).toBe('done');
    expect(run.logs).toHaveLength(100_001);
    expect(run.logs[0]).toBe('line 0');
    expect(run.logs[99_999]).toBe('line 99999');
    expect(run.logs[100_000]).toBe('[wf] log limit of 100000 lines reached; further lines are dropped');
    expect(run.events.filter((event) => event.type === 'log-write')).toHaveLength(100_001);
  }, 60_000);

  // WEAKNESS: the 64 KiB line limit is applied inside the isolate with String.prototype.slice,
  // which the script can replace; the host side (child main.ts) forwards any length.
  test('S4 replacing String.prototype.slice does not lift the log line limit', async () => {
    const run = await runScript(
      'String.prototype.slice = function () { return String(this) }; log("x".repeat(200000)); await agent("sync"); return "ok"',
    );
    expect(run.summary.result).toBe('ok');
    expect(run.logs).toHaveLength(1);
    expect(run.logs[0]!.length).toBeLessThanOrEqual(65536 + 64);
  });

  // WEAKNESS: the line counter lives in each context's prelude, and every workflow() call gets a
  // fresh context, so each child workflow may log another 100 000 lines.
  test('S4 the log cap holds for the whole run, across child workflows', async () => {
    const child = 'export const meta = { name: "child", description: "c" };\nfor (let i = 0; i < 60000; i++) log("c" + i); return 1';
    const run = await runScript('for (let i = 0; i < 3; i++) await workflow({ scriptPath: "./child.js" }); await agent("sync"); return "done"', {
      files: { 'child.js': child },
    });
    expect(run.summary.result).toBe('done');
    expect(run.logs.length).toBeLessThanOrEqual(100_001);
  }, 60_000);
});

describe('S1/S2 the API and the guards cannot be replaced', () => {
  test('S1 agent, log, workflow and budget cannot be redefined or deleted', async () => {
    const result = await resultOf(`const out = {};
      const tries = {
        assign: () => { agent = () => "fake" },
        assignGlobal: () => { globalThis.log = () => {} },
        define: () => Object.defineProperty(globalThis, "agent", { value: () => "fake" }),
        remove: () => { delete globalThis.workflow },
        reflectSet: () => { if (!Reflect.set(globalThis, "agent", 1)) throw new TypeError("refused") },
        budgetMethod: () => { budget.spent = () => 0 },
        budgetDefine: () => Object.defineProperty(budget, "total", { value: 1e9 }),
      };
      for (const [name, attempt] of Object.entries(tries)) { try { attempt(); out[name] = "changed" } catch (e) { out[name] = e.name } }
      out.after = [typeof agent, typeof log, typeof workflow, await agent("still mine"), budget.spent(), budget.total];
      return out`, { budget: 100 });
    expect(result).toEqual({
      assign: 'TypeError',
      assignGlobal: 'TypeError',
      define: 'TypeError',
      remove: 'TypeError',
      reflectSet: 'TypeError',
      budgetMethod: 'TypeError',
      budgetDefine: 'TypeError',
      after: ['function', 'function', 'function', 'done: still mine', 10, 100],
    });
  });

  test('S2 Date, Date.now and Math.random cannot be redefined, deleted or recovered', async () => {
    const result = await resultOf(`const out = {};
      const tries = {
        assignDate: () => { globalThis.Date = function () {} },
        defineDate: () => Object.defineProperty(globalThis, "Date", { value: function () {} }),
        assignNow: () => { Date.now = () => 5 },
        assignRandom: () => { Math.random = () => 0.5 },
        defineRandom: () => Object.defineProperty(Math, "random", { value: () => 0.5 }),
        deleteRandom: () => { delete Math.random },
        dateConstructor: () => Object.defineProperty(Date.prototype, "constructor", { value: Object }),
        formatGetter: () => Object.defineProperty(Intl.DateTimeFormat.prototype, "format", { value: () => "now" }),
      };
      for (const [name, attempt] of Object.entries(tries)) { try { attempt(); out[name] = "changed" } catch (e) { out[name] = e.name } }
      const guarded = (f) => { try { f(); return "ran" } catch (e) { return /not available in workflow scripts/.test(e.message) } };
      out.still = [guarded(() => Date.now()), guarded(() => Math.random()), guarded(() => new Date()),
        guarded(() => new (Object.getPrototypeOf(new Date(0)).constructor)()), guarded(() => Reflect.construct(Date, []))];
      return out`);
    expect(result).toEqual({
      assignDate: 'TypeError',
      defineDate: 'TypeError',
      assignNow: 'TypeError',
      assignRandom: 'TypeError',
      defineRandom: 'TypeError',
      deleteRandom: 'TypeError',
      dateConstructor: 'TypeError',
      formatGetter: 'TypeError',
      still: [true, true, true, true, true],
    });
  });
});
