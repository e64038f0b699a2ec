// The script author's world: every global a workflow script can use, and every option.
//
// This is a global declaration file (no imports, no exports), so including it is enough for an
// editor to complete `agent(...)` and its options in a workflow script:
//
//   /// <reference path="../../node_modules/wf/types/wf.d.ts" />   (first line of a script), or
//   { "compilerOptions": { "lib": ["ES2023"], "types": ["wf/types/wf"] } }   (jsconfig/tsconfig)
//
// It declares only what exists inside the sandbox. Keep `lib` free of "DOM" and `types` free of
// "node" for workflow folders, and the editor then flags `process`, `fetch`, `require`,
// `setTimeout` and friends exactly where the sandbox would (spec S1).
//
// Reading order: small unions, option objects, result shapes, `meta` shapes, then the globals.
// Rule IDs (A1, PL2, ...) refer to the contract in the wf spec; the guide is docs/authoring.md.

// ---------------------------------------------------------------------------------------------
// Small unions
// ---------------------------------------------------------------------------------------------

/** How hard the model should think. Omit to use the model's default. Spec A2. */
type Effort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** A unit for {@link Duration}: milliseconds, seconds, minutes, hours, days. Spec L4. */
type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A length of time: a number of milliseconds, or a number with a unit (`'500ms'`, `'30s'`, `'5m'`,
 * `'2h'`, `'7d'`). Spec L4.
 */
type Duration = number | `${number}${DurationUnit}`;

/** A primitive type name usable in a JSON Schema `type` keyword. */
type JsonSchemaTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A JSON Schema, or `true` (anything) / `false` (nothing) where a sub-schema is expected. */
type JsonSchemaDefinition = JsonSchema | boolean;

// ---------------------------------------------------------------------------------------------
// Option objects
// ---------------------------------------------------------------------------------------------

/**
 * A JSON Schema (draft 2020-12 and draft-07 keywords). Used for `agent()` answers (`schema`) and
 * for a workflow's `args` (`meta.args`). Keywords are checked by name, so a typo such as
 * `requried` is a type error; vendor keywords are allowed as `x-...`.
 * Docs: docs/authoring.md#structured-answers
 */
interface JsonSchema {
  /** The dialect URI. Optional; ignored by `wf`. */
  $schema?: string;
  /** Identifier of this schema. */
  $id?: string;
  /** Reference to another schema, e.g. `'#/$defs/item'`. */
  $ref?: string;
  /** Named anchor for `$ref`. */
  $anchor?: string;
  /** A comment for humans; no effect on validation. */
  $comment?: string;
  /** Named sub-schemas for `$ref: '#/$defs/<name>'`. */
  $defs?: { readonly [name: string]: JsonSchemaDefinition };
  /** Draft-07 spelling of `$defs`. */
  definitions?: { readonly [name: string]: JsonSchemaDefinition };

  /** Short title; agents see it as part of the schema. */
  title?: string;
  /** What the value means; agents see it, so say what you want here. */
  description?: string;
  /** Documentation only: the value assumed when absent (not filled in by validation). */
  default?: unknown;
  /** Example values; agents see them. */
  examples?: readonly unknown[];
  /** Marks the value as deprecated (documentation only). */
  deprecated?: boolean;
  /** Documentation only. */
  readOnly?: boolean;
  /** Documentation only. */
  writeOnly?: boolean;

  /** The allowed JSON type or types. */
  type?: JsonSchemaTypeName | readonly JsonSchemaTypeName[];
  /** The value must equal one of these. An empty list can never be satisfied (A4). */
  enum?: readonly unknown[];
  /** The value must equal this. */
  const?: unknown;

  /** Numbers: the value must be a multiple of this (> 0). */
  multipleOf?: number;
  /** Numbers: inclusive upper bound. */
  maximum?: number;
  /** Numbers: exclusive upper bound. */
  exclusiveMaximum?: number;
  /** Numbers: inclusive lower bound. `minimum > maximum` is rejected before dispatch (A4). */
  minimum?: number;
  /** Numbers: exclusive lower bound. */
  exclusiveMinimum?: number;

  /** Strings: most characters (Unicode code points). */
  maxLength?: number;
  /** Strings: fewest characters. `minLength > maxLength` is rejected before dispatch (A4). */
  minLength?: number;
  /** Strings: an ECMAScript regular expression the value must match (unanchored). */
  pattern?: string;
  /** Strings: a format name such as `'date-time'`, `'email'`, `'uri'`. */
  format?: string;
  /** Strings: media type of the content, e.g. `'application/json'` (annotation). */
  contentMediaType?: string;
  /** Strings: encoding of the content, e.g. `'base64'` (annotation). */
  contentEncoding?: string;

  /** Arrays: schema of every item (draft-07 also allows a list, one schema per position). */
  items?: JsonSchemaDefinition | readonly JsonSchemaDefinition[];
  /** Arrays: one schema per leading position (2020-12). */
  prefixItems?: readonly JsonSchemaDefinition[];
  /** Arrays (draft-07): schema for items past a positional `items` list. */
  additionalItems?: JsonSchemaDefinition;
  /** Arrays: items not covered by `items`/`prefixItems`/`contains` must match this. */
  unevaluatedItems?: JsonSchemaDefinition;
  /** Arrays: at least one item (see `minContains`) must match this. */
  contains?: JsonSchemaDefinition;
  /** Arrays: fewest items matching `contains`. */
  minContains?: number;
  /** Arrays: most items matching `contains`. */
  maxContains?: number;
  /** Arrays: most items. */
  maxItems?: number;
  /** Arrays: fewest items. `minItems > maxItems` is rejected before dispatch (A4). */
  minItems?: number;
  /** Arrays: `true` forbids duplicate items. */
  uniqueItems?: boolean;

  /** Objects: schema of each named property. */
  properties?: { readonly [name: string]: JsonSchemaDefinition };
  /** Objects: schema of properties whose names match each regular expression. */
  patternProperties?: { readonly [pattern: string]: JsonSchemaDefinition };
  /**
   * Objects: schema of properties not named in `properties`/`patternProperties`; `false` forbids
   * them. A `required` key excluded this way is rejected before dispatch (A4).
   */
  additionalProperties?: JsonSchemaDefinition;
  /** Objects: properties not evaluated by any other keyword must match this. */
  unevaluatedProperties?: JsonSchemaDefinition;
  /** Objects: property names that must be present. */
  required?: readonly string[];
  /** Objects: every property name must match this (a string schema). */
  propertyNames?: JsonSchemaDefinition;
  /** Objects: fewest properties. */
  minProperties?: number;
  /** Objects: most properties. */
  maxProperties?: number;
  /** Objects: if the key is present, these other keys must be too. */
  dependentRequired?: { readonly [name: string]: readonly string[] };
  /** Objects: if the key is present, the object must also match this schema. */
  dependentSchemas?: { readonly [name: string]: JsonSchemaDefinition };
  /** Objects (draft-07): `dependentRequired` and `dependentSchemas` in one keyword. */
  dependencies?: { readonly [name: string]: JsonSchemaDefinition | readonly string[] };

  /** The value must match every one of these. */
  allOf?: readonly JsonSchemaDefinition[];
  /** The value must match at least one of these. */
  anyOf?: readonly JsonSchemaDefinition[];
  /** The value must match exactly one of these. */
  oneOf?: readonly JsonSchemaDefinition[];
  /** The value must not match this. */
  not?: JsonSchemaDefinition;
  /** Conditional: when the value matches `if`, it must match `then`, otherwise `else`. */
  if?: JsonSchemaDefinition;
  /** See `if`. */
  then?: JsonSchemaDefinition;
  /** See `if`. */
  else?: JsonSchemaDefinition;

  /** Vendor extension keywords (`x-...`) are allowed and ignored by validation. */
  [extension: `x-${string}`]: unknown;
}

/**
 * The schema of a structured `agent()` answer: a {@link JsonSchema} whose root is an object
 * (`type: 'object'`, or untyped with `properties`). Other roots are rejected before any dispatch
 * (A1, A4). In TypeScript, annotate a schema constant as `AgentSchema` so its `type` stays the
 * literal `'object'`.
 */
interface AgentSchema extends JsonSchema {
  /** Must be `'object'` (or omitted with `properties` given). Spec A1, A4. */
  type?: 'object';
}

/**
 * Caching for one `agent()` call (spec C1–C3) (wf only). By default a completed answer is stored
 * and reused by later runs whose call has the same content key.
 */
interface CacheOptions {
  /** Reuse a stored answer only while it is younger than this. Milliseconds or `'12h'`, `'7d'`. */
  ttl?: Duration;
  /**
   * An extra string mixed into the content key (C1's per-call salt). Change it to get a fresh
   * answer for an otherwise identical call.
   */
  key?: string;
}

/**
 * What an agent reads, hashed into its cache key so that editing those inputs re-runs the call
 * instead of answering from a stale cache (spec C1, C3) (wf only).
 */
type ReadsOption =
  | {
      /** Paths of the files the agent reads; their contents' digests go into the key. */
      files: readonly string[];
    }
  | 'workspace';

/**
 * Options of one `agent()` call: exactly the keys of spec A2. Unknown keys are dropped with a
 * warning at run time (and are a type error here); a wrong type throws (A2, A5).
 * Docs: docs/authoring.md#agent
 */
interface AgentOptions {
  /**
   * Display name in progress views and run records, e.g. `'review:src/a.ts'`. Default: derived
   * from the prompt. Not part of the cache key (C1).
   */
  label?: string;
  /**
   * Progress group for this call; overrides the current `phase()` (A2, PH1). Prefer it inside
   * `parallel`/`pipeline` stages, where the shared `phase()` setting can race. Not part of the
   * cache key (C1).
   */
  phase?: string;
  /**
   * `provider/model` (e.g. `'openai/gpt-5'`) or an alias defined in config. Default: the run's
   * model (`--model`, `WF_MODEL`, config). The resolved model id is part of the cache key (C1).
   */
  model?: string;
  /**
   * JSON Schema of the answer; its root must be an object. With it, `agent()` resolves to a value
   * that validates (A1); invalid answers are sent back with the errors, and after 5 attempts
   * (configurable) `agent()` throws quoting the last failure (A3). A provably unsatisfiable schema
   * throws before dispatch (A4). Default: none (the answer is text).
   */
  schema?: AgentSchema;
  /** Reasoning effort. Default: the model's own. Part of the cache key (C1). */
  effort?: Effort;
  /** A named agent profile from config (its instructions and tools). Default: none. */
  agentType?: string;
  /**
   * `'worktree'`: the agent works in a fresh git worktree instead of the current directory.
   * Default: none (it works in the current directory).
   */
  isolation?: 'worktree';
  /** Most tool calls this agent may make (a count). Default: the dispatcher's limit. */
  max_tool_calls?: number;
  /**
   * Wall-clock limit for this call: milliseconds or a duration string (`'30s'`, `'5m'`; L4)
   * (wf only). An agent that runs past it does not complete: `agent()` resolves `null` (A5).
   * Default: no limit. Not part of the cache key (C1).
   */
  timeout?: Duration;
  /**
   * `false`: this call is answered live and its answer is not stored. An object tunes the cache
   * ({@link CacheOptions}). Default: cached (C2, C3) (wf only).
   */
  cache?: false | CacheOptions;
  /**
   * What the agent reads, hashed into the cache key: `{ files: [...] }` or `'workspace'` (C1, C3)
   * (wf only). Default: none declared.
   */
  reads?: ReadsOption;
}

/** {@link AgentOptions} for a text answer: no `schema`. `agent()` resolves to a string (A1). */
interface TextAgentOptions extends AgentOptions {
  /** Absent: the answer is the agent's final text. */
  schema?: undefined;
}

/** {@link AgentOptions} with a `schema`: `agent()` resolves to a validated object (A1). */
interface SchemaAgentOptions extends AgentOptions {
  /** JSON Schema of the answer; its root must be an object (A1, A4). */
  schema: AgentSchema;
}

/** A workflow file named by path, relative to the calling script's directory (W1). */
interface WorkflowRef {
  /** Path of a `.js`/`.ts` workflow file, relative to the calling script's directory. */
  scriptPath: string;
}

// ---------------------------------------------------------------------------------------------
// Result shapes
// ---------------------------------------------------------------------------------------------

/**
 * The run's token budget (spec B1–B3). Read-only: a script can watch spending, never change it.
 * Docs: docs/authoring.md#budget
 */
interface Budget {
  /** The run's budget in tokens (`--budget N` or config), or `null` when there is none. */
  readonly total: number | null;
  /**
   * Tokens spent so far by this run's live agents: output + reasoning tokens, not input. Agents
   * replayed from the cache cost 0. Includes nested `workflow()` agents (W1).
   */
  readonly spent: () => number;
  /** `max(0, total - spent())` in tokens, or `Infinity` when there is no budget. */
  readonly remaining: () => number;
}

/**
 * One `pipeline()` stage: gets the previous stage's result (the item itself for the first stage),
 * the original item, and the item's 0-based index; returns a value or a promise (PP1).
 */
type PipelineStage<Previous, Item, Result> = (previous: Previous, item: Item, index: number) => Result;

/** The subset of `console` that exists in the sandbox; every method writes to the run's log (S4). */
interface Console {
  /** Writes one line to the run's log, like `log()`. */
  log(...values: unknown[]): void;
  /** Writes one line to the run's log, like `log()`. */
  info(...values: unknown[]): void;
  /** Writes one warning line to the run's log. */
  warn(...values: unknown[]): void;
  /** Writes one error line to the run's log. */
  error(...values: unknown[]): void;
}

// ---------------------------------------------------------------------------------------------
// meta
// ---------------------------------------------------------------------------------------------

/** One entry of `meta.phases` (spec F3). */
interface PhaseMeta {
  /** The group's title; `phase(title)` and `agent(..., { phase })` use it exactly. */
  title: string;
  /** One line about what the phase does, shown by `wf show`. */
  detail?: string;
  /** A model name shown next to the phase: a display label only; it does not pick a model (PH04). */
  model?: string;
}

/**
 * The `export const meta = {...}` a workflow starts with (spec F1–F3). It must be a pure literal:
 * no variables, calls, spreads or `${}` (F2). In a `.ts` workflow write
 * `export const meta: WorkflowMeta = {...}`; in a `.js` one a type annotation is a syntax error,
 * so put a JSDoc `@type {WorkflowMeta}` comment above it instead.
 * Docs: docs/authoring.md#meta
 */
interface WorkflowMeta {
  /** The name `wf run <name>` uses; should equal the file stem (`wf validate` warns otherwise). */
  name: string;
  /** One line saying what the workflow does (required, non-empty). */
  description: string;
  /** When to pick this workflow and what `args` it expects; shown in listings. */
  whenToUse?: string;
  /** The progress groups, in display order; each `phase()` title should be one of them (PH1). */
  phases?: readonly PhaseMeta[];
  /**
   * JSON Schema of the workflow's `args`, validated before the run starts and shown by `wf show`;
   * with an object schema, `--key value` flags fill its fields (AR2) (wf only).
   */
  args?: JsonSchema;
}

// ---------------------------------------------------------------------------------------------
// Globals
// ---------------------------------------------------------------------------------------------

/**
 * Runs one agent with a JSON Schema and resolves to its validated answer (spec A1–A6).
 *
 * - Resolves `null` when the agent fails after its retries (terminal API error, crash, empty
 *   reply), times out, or is stopped (A5).
 * - Throws (catchable) for a non-string prompt, invalid options, an unsatisfiable schema (A4),
 *   5 invalid answers in a row (A3), an exhausted budget (B2), the agent limit (L2), or a call
 *   after the run was stopped (A5).
 * - Two identical calls are two dispatches (A6).
 *
 * `T` is the answer's type; it is not checked against the schema. In a `.js` file (where
 * `agent<T>(...)` is a syntax error) the answer is `any`.
 * Docs: docs/authoring.md#agent
 */
declare function agent<T = any>(prompt: string, opts: SchemaAgentOptions): Promise<T | null>;
/**
 * Runs one agent and resolves to its final text (spec A1–A6).
 *
 * - Resolves `null` when the agent fails after its retries (terminal API error, crash, empty
 *   reply), times out, or is stopped (A5).
 * - Throws (catchable) for a non-string prompt, invalid options, an exhausted budget (B2), the
 *   agent limit (L2), or a call after the run was stopped (A5).
 * - Two identical calls are two dispatches (A6).
 * Docs: docs/authoring.md#agent
 */
declare function agent(prompt: string, opts?: TextAgentOptions): Promise<string | null>;
/**
 * Runs one agent; resolves to its text, or to its validated answer when `opts.schema` is set, or
 * to `null` when it fails or is stopped (spec A1–A6). Docs: docs/authoring.md#agent
 */
declare function agent(prompt: string, opts?: AgentOptions): Promise<any>;

/**
 * Runs every entry concurrently and waits for all of them (a barrier), spec PL1–PL3.
 *
 * - An entry that is a function is called with no arguments, a promise is awaited, anything else
 *   is passed through (PL1).
 * - Results keep input order. Never rejects: an entry that throws or rejects gives `null` (PL1).
 * - Throws if `entries` is not an array or has more than 4096 entries, before any dispatch (PL2).
 * - Only `agent()` dispatches hold concurrency slots, so nesting never deadlocks (PL3, L1).
 * Docs: docs/authoring.md#parallel
 */
declare function parallel<Entries extends readonly unknown[] | []>(
  entries: Entries,
): Promise<{
  -readonly [K in keyof Entries]:
    | (Entries[K] extends (...args: any[]) => infer R ? Awaited<R> : Awaited<Entries[K]>)
    | null;
}>;

/**
 * Passes each item through the stages on its own, with no barrier between stages (PP1–PP2).
 *
 * - A stage gets `(previous, item, index)`; the first stage's `previous` is the item (PP1).
 * - A stage that throws makes that item `null` and skips its later stages; an agent that resolved
 *   `null` passes `null` on to the next stage (PP2).
 * - Results keep item order. With no stages the items are returned (PP2).
 * - Throws if `items` is not an array, a stage is not a function, or there are more than 4096
 *   items, before any dispatch (PP2).
 * Docs: docs/authoring.md#pipeline
 */
declare function pipeline<I>(items: readonly I[]): Promise<I[]>;
/** See the first `pipeline` overload. Spec PP1–PP2. */
declare function pipeline<I, R1>(
  items: readonly I[],
  s1: PipelineStage<I, I, R1>,
): Promise<Array<Awaited<R1> | null>>;
/** See the first `pipeline` overload. Spec PP1–PP2. */
declare function pipeline<I, R1, R2>(
  items: readonly I[],
  s1: PipelineStage<I, I, R1>,
  s2: PipelineStage<Awaited<R1>, I, R2>,
): Promise<Array<Awaited<R2> | null>>;
/** See the first `pipeline` overload. Spec PP1–PP2. */
declare function pipeline<I, R1, R2, R3>(
  items: readonly I[],
  s1: PipelineStage<I, I, R1>,
  s2: PipelineStage<Awaited<R1>, I, R2>,
  s3: PipelineStage<Awaited<R2>, I, R3>,
): Promise<Array<Awaited<R3> | null>>;
/** See the first `pipeline` overload. Spec PP1–PP2. */
declare function pipeline<I, R1, R2, R3, R4>(
  items: readonly I[],
  s1: PipelineStage<I, I, R1>,
  s2: PipelineStage<Awaited<R1>, I, R2>,
  s3: PipelineStage<Awaited<R2>, I, R3>,
  s4: PipelineStage<Awaited<R3>, I, R4>,
): Promise<Array<Awaited<R4> | null>>;
/** See the first `pipeline` overload. Spec PP1–PP2. */
declare function pipeline<I, R1, R2, R3, R4, R5>(
  items: readonly I[],
  s1: PipelineStage<I, I, R1>,
  s2: PipelineStage<Awaited<R1>, I, R2>,
  s3: PipelineStage<Awaited<R2>, I, R3>,
  s4: PipelineStage<Awaited<R3>, I, R4>,
  s5: PipelineStage<Awaited<R4>, I, R5>,
): Promise<Array<Awaited<R5> | null>>;
/** Six or more stages: the same rules, results typed `any`. Spec PP1–PP2. */
declare function pipeline<I>(
  items: readonly I[],
  ...stages: Array<PipelineStage<any, I, unknown>>
): Promise<any[]>;

/**
 * Puts the later `agent()` calls of this run in the group `title` (spec PH1). A title missing from
 * `meta.phases` is shown after the declared ones and warned about at validation time. Throws if
 * `title` is not a string. Docs: docs/authoring.md#phase
 */
declare function phase(title: string): void;

/**
 * Writes one line to the run's log: strings as they are, other values as JSON, space-joined
 * (spec PH2). Docs: docs/authoring.md#log
 */
declare function log(...values: unknown[]): void;

/**
 * Runs another workflow inline and resolves to its result (spec W1–W2).
 *
 * - `nameOrRef`: a workflow name, or `{ scriptPath }` relative to the calling script's directory.
 * - `args` reach the child exactly: `null` stays `null`, omitted is `undefined` (W2).
 * - The child shares this run's concurrency limit, agent counter, budget, stop signal and run
 *   directory (W1).
 * - Throws (catchable) for an unknown name, an unreadable file, a child syntax error, an error
 *   thrown by the child, or a call from inside a child: one level only (W2).
 * Docs: docs/authoring.md#workflow
 */
declare function workflow<T = any>(nameOrRef: string | WorkflowRef, args?: unknown): Promise<T>;

/**
 * The run's arguments: any JSON value, or `undefined` when none were given (spec AR1–AR2). A string
 * stays a string even if it looks like JSON. It is a copy: changing it changes nothing outside.
 * Docs: docs/authoring.md#args
 */
declare const args: any;

/** The run's token budget (spec B1–B3). Docs: docs/authoring.md#budget */
declare const budget: Budget;

/** `console.log/info/warn/error` write to the run's log, like `log()` (spec S4). */
declare var console: Console;
