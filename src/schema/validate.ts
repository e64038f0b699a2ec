/**
 * Validation of agent output against the caller's JSON Schema (spec A1, A3), with ajv 8.
 *
 * Compiling is the expensive part, so validators are cached by the schema's canonical JSON: the
 * same schema written inline in a loop, or a schema agent's five attempts, compile once.
 * The error text is written for two readers: the model (it is sent back as feedback for the next
 * attempt) and the user (it ends up in "structured output failed validation after N attempts").
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { messageOf } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { WfSchemaError } from './errors.js';
import { FORMATS } from './formats.js';

export type ValidationResult = { ok: true } | { ok: false; errors: string };
export type Validator = (value: unknown) => ValidationResult;

type Dialect = 'draft-07' | '2019-09' | '2020-12';

/** Enough for every distinct schema of a busy run; bounded because a server process lives long. */
const CACHE_LIMIT = 500;
/** A value that fails everywhere (say, a string against a deep object schema) stays readable. */
const MAX_LISTED_ERRORS = 20;

interface Compiled {
  validator: Validator;
  /** What ajv compiled, so that eviction can drop ajv's own reference to it too. */
  ajv: Ajv;
  schema: unknown;
}

const cache = new Map<string, Compiled>();
const instances = new Map<Dialect, Ajv>();

const OPTIONS: Options = {
  allErrors: true,
  strict: false,
  // Warnings about unknown keywords or formats would go to the user's terminal mid-run; a schema
  // that compiles is good enough for us, and preflight reports what is really wrong.
  logger: false,
  formats: Object.fromEntries(Object.entries(FORMATS).map(([name, spec]) => [name, spec.check])),
};

/**
 * The validator for `schema` (an object or boolean JSON Schema). Throws a {@link WfSchemaError}
 * when ajv cannot compile it (bad keyword values, unresolvable `$ref`).
 */
export function validatorFor(schema: unknown): Validator {
  if (typeof schema !== 'boolean' && !isRecord(schema)) {
    throw new WfSchemaError('#', 'a JSON Schema must be an object or a boolean');
  }
  let key: string;
  try {
    key = canonicalJson(schema);
  } catch (error) {
    throw new WfSchemaError('#', `the schema is not JSON-representable (${messageOf(error)})`);
  }
  const cached = cache.get(key);
  if (cached) return cached.validator;

  // ajv caches by object identity, so it gets a private copy: a caller mutating its schema object
  // later must not be served the validator of the old contents.
  const compiled = compile(JSON.parse(key) as boolean | Record<string, unknown>);
  if (cache.size >= CACHE_LIMIT) evictOldest();
  cache.set(key, compiled);
  return compiled.validator;
}

function evictOldest(): void {
  const [key, oldest] = cache.entries().next().value as [string, Compiled];
  cache.delete(key);
  if (typeof oldest.schema === 'object') oldest.ajv.removeSchema(oldest.schema as Record<string, unknown>);
}

function compile(schema: boolean | Record<string, unknown>): Compiled {
  const dialect = typeof schema === 'boolean' ? '2020-12' : dialectOf(schema);
  // The dialect is chosen here; leaving `$schema` in would make ajv look up a meta-schema by URI,
  // which fails for drafts it does not bundle (draft-04, draft-06) or spells differently.
  const compilable = typeof schema === 'boolean' ? schema : withoutKey(schema, '$schema');
  // ajv registers every `$id` it compiles, and a second, different schema reusing an `$id` would
  // fail to compile; such schemas get an instance of their own. (ajv's `addUsedSchema: false`
  // would avoid that, but it breaks `$ref: "#"`.)
  const ajv = containsId(compilable) ? createAjv(dialect) : sharedAjv(dialect);
  // Meta-validation first: its errors carry the path of the bad keyword, ajv's compile error does not.
  if (!ajv.validateSchema(compilable)) {
    const first = ajv.errors?.[0];
    if (first) throw new WfSchemaError(`#${first.instancePath}`, `invalid JSON Schema (${messageWithDetail(first)})`);
  }
  try {
    return { validator: toValidator(ajv.compile(compilable)), ajv, schema: compilable };
  } catch (error) {
    throw new WfSchemaError('#', `not a valid JSON Schema: ${messageOf(error)}`, { cause: error });
  }
}

function toValidator(validate: ValidateFunction): Validator {
  return (value) => (validate(value) ? { ok: true } : { ok: false, errors: formatErrors(validate.errors ?? []) });
}

/**
 * An explicit `$schema` wins. Without one, 2020-12 is assumed (it has `prefixItems` and `$defs`),
 * unless the schema uses draft-07's tuple form (`items: [...]`, `additionalItems`), which 2020-12
 * rejects: older schemas copied from elsewhere keep working without a `$schema` line.
 */
function dialectOf(schema: Record<string, unknown>): Dialect {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return '2020-12';
  if (declared.includes('2019-09')) return '2019-09';
  if (declared !== '') return 'draft-07';
  return usesTupleItems(schema) ? 'draft-07' : '2020-12';
}

function usesTupleItems(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(usesTupleItems);
  if (!isRecord(value)) return false;
  if (Array.isArray(value.items) || 'additionalItems' in value) return true;
  return Object.values(value).some(usesTupleItems);
}

function sharedAjv(dialect: Dialect): Ajv {
  let ajv = instances.get(dialect);
  if (!ajv) {
    ajv = createAjv(dialect);
    instances.set(dialect, ajv);
  }
  return ajv;
}

/**
 * ajv is loaded on first use (it is CommonJS, so synchronously through require): it costs ≈ 40 ms
 * of start-up, which every run without a schema agent or declared args would pay for nothing.
 */
const require = createRequire(import.meta.url);

function createAjv(dialect: Dialect): Ajv {
  if (dialect === '2020-12') return new (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020(OPTIONS);
  if (dialect === '2019-09') return new (require('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js')).Ajv2019(OPTIONS);
  return new (require('ajv') as typeof import('ajv')).Ajv(OPTIONS);
}

function containsId(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsId);
  return isRecord(value) && ('$id' in value || Object.values(value).some(containsId));
}

/** `/files must be array; (root) must have required property 'name'`, deduplicated and capped. */
export function formatErrors(errors: readonly ErrorObject[]): string {
  const lines = [...new Set(errors.map(describeError))];
  if (lines.length === 0) return 'value is invalid';
  const shown = lines.slice(0, MAX_LISTED_ERRORS);
  const more = lines.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; (and ${more} more)` : '');
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  return `${where} ${messageWithDetail(error)}`;
}

function messageWithDetail(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? 'is invalid';
  // ajv's generic messages leave out the one detail a model needs to fix its output.
  if (error.keyword === 'additionalProperties') message += ` ('${String(params.additionalProperty)}')`;
  if (error.keyword === 'unevaluatedProperties') message += ` ('${String(params.unevaluatedProperty)}')`;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message += `: ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  if (error.keyword === 'const') message += ` ${JSON.stringify(params.allowedValue)}`;
  return message;
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
