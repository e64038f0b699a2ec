// Type tests for types/wf.d.ts, compiled (never run) by `tsc -p test/types/tsconfig.json`.
//
// Part 1 holds usages a script author writes; each must compile with the type shown.
// Part 2 holds mistakes; each line under `@ts-expect-error` must be a type error, and tsc fails if
// one of them compiles (an unused `@ts-expect-error` is itself an error), as in esbuild's
// `testsWithErrors`.
//
// The assertion helpers are local instead of vitest's `expectTypeOf` so that this program needs
// no library types: `skipLibCheck` stays off and types/wf.d.ts itself is checked.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
declare function assertType<A>(): { is<B>(this: void, ...proof: Equal<A, B> extends true ? [] : [never]): void };

// ---------------------------------------------------------------------------------------------
// Part 1: correct usages compile
// ---------------------------------------------------------------------------------------------

export const meta: WorkflowMeta = {
  name: 'type-test',
  description: 'Exercises every global of types/wf.d.ts',
  whenToUse: 'Never; compiled by the type tests only.',
  phases: [{ title: 'Plan', detail: 'one agent', model: 'openai/gpt-5' }, { title: 'Work' }],
  args: {
    type: 'object',
    properties: { topic: { type: 'string', description: 'What to study' } },
    required: ['topic'],
    additionalProperties: false,
  },
};

// agent(): text (A1)
const text = await agent('Say hi');
assertType<typeof text>().is<string | null>();

const withOptions = await agent('Review src/a.ts', {
  label: 'review:a',
  phase: 'Work',
  model: 'anthropic/claude-sonnet-4-5',
  effort: 'high',
  agentType: 'reviewer',
  isolation: 'worktree',
  max_tool_calls: 20,
  timeout: '30s',
  cache: { ttl: '7d', key: 'v2' },
  reads: { files: ['src/a.ts'] },
});
assertType<typeof withOptions>().is<string | null>();

await agent('x', { timeout: 30_000, cache: false, reads: 'workspace' });
await agent('x', { timeout: '500ms' });
await agent('x', { cache: { ttl: 3_600_000 } });
await agent('x', { effort: 'max' });
await agent('x', {});

// agent(): schema (A1); the answer type is `any` unless given
const plan = await agent('Plan', {
  label: 'plan',
  schema: {
    type: 'object',
    properties: {
      topics: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
      kind: { enum: ['a', 'b'] },
      score: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    },
    required: ['topics'],
    additionalProperties: false,
    'x-note': 'vendor keywords are allowed',
  },
});
assertType<typeof plan>().is<any>();

interface Plan {
  topics: string[];
}
const typedPlan = await agent<Plan>('Plan', { schema: { type: 'object', properties: { topics: { type: 'array' } } } });
assertType<typeof typedPlan>().is<Plan | null>();
if (typedPlan) assertType<typeof typedPlan.topics>().is<string[]>();

// A schema constant: annotated, or `as const`.
const annotated: AgentSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
await agent<{ ok: boolean }>('Check', { schema: annotated });
const asConst = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, tags: { type: 'array', items: { enum: ['x', 'y'] } } },
  required: ['ok'],
} as const;
await agent('Check', { schema: asConst });
// An untyped root with `properties` is an object schema too (A07).
await agent('Check', { schema: { properties: { ok: { type: 'boolean' } } } });
// $defs, $ref, combinators and boolean sub-schemas.
await agent('Check', {
  schema: {
    type: 'object',
    $defs: { item: { type: 'string', minLength: 1 } },
    properties: {
      items: { type: 'array', items: { $ref: '#/$defs/item' }, uniqueItems: true },
      any: true,
      either: { anyOf: [{ type: 'string' }, { type: 'integer', multipleOf: 2 }] },
    },
    additionalProperties: false,
  },
});

// Options held in a variable typed as AgentOptions: allowed, the answer is `any`.
const shared: AgentOptions = { model: 'openai/gpt-5', effort: 'low' };
const viaShared = await agent('x', shared);
assertType<typeof viaShared>().is<any>();
const effort: Effort = 'xhigh';
const duration: Duration = '2h';
await agent('x', { ...shared, effort, timeout: duration });

// parallel(): per-entry results, `null` for a throw (PL1)
const fanned = await parallel(['a', 'b'].map((t) => () => agent(`About ${t}`)));
assertType<typeof fanned>().is<(string | null)[]>();
const mixed = await parallel([() => agent('x'), Promise.resolve(5), 'plain', () => [1, 2].length]);
assertType<typeof mixed>().is<[string | null, number | null, string | null, number | null]>();
const none: [] = await parallel([]);

// pipeline(): stages see (previous, item, index) (PP1)
const files = ['src/a.ts', 'src/b.ts'];
const reviewed = await pipeline(
  files,
  (file, item, index) => {
    assertType<typeof file>().is<string>();
    assertType<typeof item>().is<string>();
    assertType<typeof index>().is<number>();
    return agent(`Review ${file}`, { label: `review:${index}` });
  },
  (review, file) => {
    assertType<typeof review>().is<string | null>();
    return review === null ? null : { file, length: review.length };
  },
);
assertType<typeof reviewed>().is<({ file: string; length: number } | null)[]>();
const unchanged = await pipeline([1, 2]);
assertType<typeof unchanged>().is<number[]>();
const six = await pipeline([1], (n) => n, (n) => n, (n) => n, (n) => n, (n) => n, (n) => n);
assertType<typeof six>().is<any[]>();

// phase(), log(), console (PH1, PH2, S4)
phase('Plan');
log('found', 3, { files: 2 });
log();
console.log('debug', 1);
console.info('i');
console.warn('w');
console.error(new Error('e'));

// args, budget (AR1, B1)
const topic: string = args?.topic ?? 'default';
const total = budget.total;
assertType<typeof total>().is<number | null>();
assertType<ReturnType<typeof budget.spent>>().is<number>();
if (budget.total !== null && budget.remaining() < 1000) log('low on budget', topic);

// workflow() (W1, W2)
const child = await workflow('hello', 'Ada');
assertType<typeof child>().is<any>();
const typedChild = await workflow<string | null>({ scriptPath: './hello.js' });
assertType<typeof typedChild>().is<string | null>();
await workflow('fan-out');
await workflow('fan-out', null);

// Meta in the shapes the examples use: `as const` literals are accepted.
const constMeta = {
  name: 'c',
  description: 'd',
  phases: [{ title: 'A' }],
  args: { type: 'array', items: { type: 'string' } },
} as const satisfies WorkflowMeta;
void constMeta;

// ---------------------------------------------------------------------------------------------
// Part 2: mistakes are type errors
// ---------------------------------------------------------------------------------------------

// @ts-expect-error a misspelled option (A2: unknown keys are dropped at run time)
await agent('x', { lable: 'typo' });
// @ts-expect-error `schema` must be a JSON Schema object, not a type name
await agent('x', { schema: 'string' });
// @ts-expect-error the root of an agent schema must be an object (A1, A4)
await agent('x', { schema: { type: 'array', items: { type: 'string' } } });
// @ts-expect-error a misspelled schema keyword
await agent('x', { schema: { type: 'object', requried: ['a'] } });
// @ts-expect-error a misspelled keyword in a nested schema
await agent('x', { schema: { type: 'object', properties: { a: { type: 'string', minLenght: 1 } } } });
// @ts-expect-error an unknown JSON type name
await agent('x', { schema: { type: 'object', properties: { a: { type: 'str' } } } });
// @ts-expect-error the prompt must be a string (A5)
await agent(42);
// @ts-expect-error effort is one of low|medium|high|xhigh|max (A13)
await agent('x', { effort: 'turbo' });
// @ts-expect-error isolation is only 'worktree'
await agent('x', { isolation: 'container' });
// @ts-expect-error a duration needs a unit when it is a string (L4)
await agent('x', { timeout: '30' });
// @ts-expect-error a duration unit is one of ms, s, m, h, d (L4)
await agent('x', { timeout: '30 seconds' });
// @ts-expect-error `cache: true` is not an option; omit `cache` to use the cache
await agent('x', { cache: true });
// @ts-expect-error `reads` is `{ files }` or 'workspace'
await agent('x', { reads: ['src/a.ts'] });
// @ts-expect-error max_tool_calls is a count
await agent('x', { max_tool_calls: '10' });
// @ts-expect-error options in camelCase are not aliases: the spec spells it max_tool_calls
await agent('x', { maxToolCalls: 10 });
// @ts-expect-error parallel() takes an array (PL2)
await parallel('abc');
// @ts-expect-error pipeline() takes an array (PP2)
await pipeline({}, (x: unknown) => x);
// @ts-expect-error a pipeline stage is a function (PP2)
await pipeline([1], 5);
// @ts-expect-error phase() takes a string (PH06)
phase(Promise.resolve('Scan'));
// @ts-expect-error budget is read-only (B1)
budget.total = 5;
// @ts-expect-error budget has no way to reset spending (B08)
budget.reset();
// @ts-expect-error workflow() takes a name or { scriptPath }
await workflow({ name: 'hello' });
// @ts-expect-error meta needs a description (F3)
const noDescription: WorkflowMeta = { name: 'x' };
// @ts-expect-error a misspelled meta field
const typoMeta: WorkflowMeta = { name: 'x', description: 'y', whenToUs: 'z' };
// @ts-expect-error a phase needs a title (F3)
const badPhase: WorkflowMeta = { name: 'x', description: 'y', phases: [{ detail: 'd' }] };
// @ts-expect-error host APIs are not declared in the sandbox (S1)
process.env;
// @ts-expect-error no timers in the sandbox (S1)
setTimeout(() => {}, 10);
// @ts-expect-error no fetch in the sandbox (S1)
await fetch('https://example.com');
// @ts-expect-error no require in the sandbox (F5)
require('fs');
void [noDescription, typoMeta, badPhase];
