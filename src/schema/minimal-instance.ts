/**
 * A small value that satisfies a schema: what the scripted mock and the `--dry-run` simulator
 * answer for a schema agent nobody scripted (matrix §0, "schema-satisfying mock"). Whole example
 * workflows can then run end to end without a model and without hand-written replies.
 *
 * The shape is predictable on purpose, so tests can assert on it: objects carry their required keys
 * only, arrays one item (or `minItems`), strings `"x"`, numbers 0, booleans true, the first `enum`
 * value, the first `anyOf`/`oneOf` branch that works. Bounds, `multipleOf`, common `format`s and
 * local `$ref`s are honoured. It is a best effort, not a solver: a `pattern` that none of a few
 * stock strings match, or contradictions spread across `allOf` members, can still yield an invalid
 * value; the schema agent's validation (A3) then reports it like any other bad reply.
 */
import { FORMATS } from './formats.js';
import { validatorFor } from './validate.js';

type SchemaObject = Record<string, unknown>;

/** Returned while expanding a `$ref` that is already being expanded: the value would be infinite. */
const RECURSION = Symbol('recursion');

/** Strings tried, in order, against a `pattern` before giving up on it. */
const PATTERN_CANDIDATES = ['x', '', 'a', 'A', '0', '1', 'x1', 'a-b', 'x@example.com', 'https://example.com'];

interface Context {
  root: unknown;
  /** `$ref`s being expanded on the current path. */
  expanding: string[];
}

export function minimalInstance(schema: unknown): unknown {
  // The root counts as being expanded: `$ref: "#"` inside it is recursion like any other.
  const value = generate(schema, { root: schema, expanding: ['#'] }, 0);
  return value === RECURSION ? null : value;
}

/** `variant` > 0 asks for a different value than variant 0 would give (for `uniqueItems`). */
function generate(input: unknown, outer: Context, variant: number): unknown {
  const flat = flatten(input, outer);
  if (flat === RECURSION) return RECURSION;
  if (flat === undefined) return null; // `true`, `{}` or `false`: nothing better to say than null
  const { schema, context } = flat;

  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0) return fromBranches(schema, keyword, branches, context, variant);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];

  switch (chooseType(schema)) {
    case 'object':
      return objectFor(schema, context, variant);
    case 'array':
      return arrayFor(schema, context);
    case 'string':
      return stringFor(schema, variant);
    case 'integer':
      return numberFor(schema, true, variant);
    case 'number':
      return numberFor(schema, false, variant);
    case 'boolean':
      return variant % 2 === 0;
    default:
      return null;
  }
}

/**
 * Branches in order; the first whose value also satisfies the schema as a whole (so a `oneOf`
 * value matching two branches is skipped when possible), else the first finite one.
 */
function fromBranches(
  schema: SchemaObject,
  keyword: 'anyOf' | 'oneOf',
  branches: unknown[],
  context: Context,
  variant: number,
): unknown {
  const { [keyword]: _chosen, ...rest } = schema;
  let fallback: unknown = RECURSION;
  for (const branch of branches) {
    const candidate = generate(mergeSchemas(rest, branch), context, variant);
    if (candidate === RECURSION) continue;
    if (satisfies(candidate, schema, context)) return candidate;
    if (fallback === RECURSION) fallback = candidate;
  }
  return fallback;
}

/** Validates against a subschema, with the root's definitions attached so local `$ref`s resolve. */
function satisfies(value: unknown, schema: SchemaObject, context: Context): boolean {
  const root = isSchemaObject(context.root) ? context.root : {};
  try {
    return validatorFor({ ...schema, $defs: root.$defs, definitions: root.definitions })(value).ok;
  } catch {
    return true; // a subschema ajv cannot compile on its own: keep the candidate
  }
}

// --- $ref and allOf ----------------------------------------------------------------------------

interface Flat {
  schema: SchemaObject;
  /** Carries the `$ref`s expanded to get here, so the subschemas underneath keep the guard. */
  context: Context;
}

/**
 * One schema object with `$ref` and `allOf` folded in; `undefined` for schemas that constrain
 * nothing (`true`, `{}`) or allow nothing (`false`).
 */
function flatten(input: unknown, outer: Context): Flat | undefined | typeof RECURSION {
  if (!isSchemaObject(input)) return undefined;
  let schema: SchemaObject = input;
  let context = outer;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (context.expanding.includes(ref)) return RECURSION;
    context = { ...context, expanding: [...context.expanding, ref] };
    const { $ref: _ref, ...siblings } = schema;
    const target = flatten(resolveRef(ref, context.root), context);
    if (target === RECURSION) return RECURSION;
    if (target) context = target.context;
    schema = mergeSchemas(target?.schema ?? {}, siblings);
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    const expanding = new Set(context.expanding);
    let merged: SchemaObject = rest;
    for (const member of allOf) {
      const part = flatten(member, context);
      if (part === RECURSION) return RECURSION;
      if (!part) continue;
      part.context.expanding.forEach((ref) => expanding.add(ref));
      merged = mergeSchemas(merged, part.schema);
    }
    // Merged members lose track of which ref each part came from; guarding against all of them is
    // the safe side (it can only cut a value short, never loop).
    context = { ...context, expanding: [...expanding] };
    schema = merged;
  }
  const constraining = Object.keys(schema).some((key) => !ANNOTATIONS.has(key));
  return constraining ? { schema, context } : undefined;
}

/** Keys that say nothing about the value; a schema made only of these is treated like `true`. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', '$id', '$schema', '$defs', 'definitions']);

/** Local refs only: `#`, `#/$defs/x`, `#/definitions/x`, or any JSON pointer into the root. */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined; // a malformed %-escape: as unresolvable as a missing definition
    }
    if (!isSchemaObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The conjunction of two schemas, as far as generating a value needs it. */
function mergeSchemas(base: SchemaObject, extra: unknown): SchemaObject {
  if (!isSchemaObject(extra)) return base;
  const merged: SchemaObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = merged[key];
    if (existing === undefined) {
      merged[key] = value;
      continue;
    }
    switch (key) {
      case 'properties':
        merged[key] = mergeMaps(existing, value);
        break;
      case 'required':
        merged[key] = [...new Set([...(asArray(existing) ?? []), ...(asArray(value) ?? [])])];
        break;
      case 'type': {
        const mine = asArray(existing) ?? [existing];
        const theirs = asArray(value) ?? [value];
        const both = mine.filter((type) => theirs.includes(type) || (type === 'integer' && theirs.includes('number')));
        const extraIntegers = theirs.filter((type) => type === 'integer' && mine.includes('number'));
        merged[key] = [...new Set([...both, ...extraIntegers])];
        break;
      }
      case 'enum': {
        const allowed = asArray(value) ?? [];
        merged[key] = (asArray(existing) ?? []).filter((item) => allowed.some((other) => sameJson(item, other)));
        break;
      }
      case 'minimum':
      case 'exclusiveMinimum':
      case 'minLength':
      case 'minItems':
      case 'minProperties':
        merged[key] = typeof existing === 'number' && typeof value === 'number' ? Math.max(existing, value) : value;
        break;
      case 'maximum':
      case 'exclusiveMaximum':
      case 'maxLength':
      case 'maxItems':
      case 'maxProperties':
        merged[key] = typeof existing === 'number' && typeof value === 'number' ? Math.min(existing, value) : value;
        break;
      case 'items':
      case 'additionalProperties':
      case 'contains':
        merged[key] = { allOf: [existing, value] };
        break;
      case 'anyOf':
      case 'oneOf':
        // Two alternatives lists both apply; keep the first list and nest the second in allOf.
        merged.allOf = [...(asArray(merged.allOf) ?? []), { [key]: value }];
        break;
      default:
        merged[key] = value;
    }
  }
  return merged;
}

function mergeMaps(a: unknown, b: unknown): SchemaObject {
  const merged: SchemaObject = { ...(isSchemaObject(a) ? a : {}) };
  for (const [key, value] of Object.entries(isSchemaObject(b) ? b : {})) {
    merged[key] = merged[key] === undefined ? value : { allOf: [merged[key], value] };
  }
  return merged;
}

// --- Types -------------------------------------------------------------------------------------

/** The declared type (first non-null one of a list), else the type the keywords imply. */
function chooseType(schema: SchemaObject): string | undefined {
  const declared = asArray(schema.type) ?? (typeof schema.type === 'string' ? [schema.type] : undefined);
  if (declared) return (declared.find((type) => type !== 'null') ?? declared[0]) as string | undefined;
  const has = (...keys: string[]) => keys.some((key) => key in schema);
  if (has('properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties')) return 'object';
  if (has('items', 'prefixItems', 'minItems', 'maxItems', 'contains', 'uniqueItems')) return 'array';
  if (has('minLength', 'maxLength', 'pattern', 'format')) return 'string';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return 'number';
  return undefined;
}

function objectFor(schema: SchemaObject, context: Context, variant: number): unknown {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const keys = [...new Set((asArray(schema.required) ?? []).filter((key): key is string => typeof key === 'string'))];
  // minProperties beyond the required keys: borrow optional declared properties first.
  const wanted = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  for (const key of Object.keys(properties)) {
    if (keys.length >= wanted) break;
    if (!keys.includes(key) && properties[key] !== false) keys.push(key);
  }
  for (let extra = 1; keys.length < wanted && schema.additionalProperties !== false; extra++) {
    if (!keys.includes(`x${extra}`)) keys.push(`x${extra}`);
  }

  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const value = generate(propertySchema(schema, properties, key), context, variant);
    if (value === RECURSION) return RECURSION;
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function propertySchema(schema: SchemaObject, properties: SchemaObject, key: string): unknown {
  if (Object.hasOwn(properties, key)) return properties[key];
  if (isSchemaObject(schema.patternProperties)) {
    for (const [pattern, sub] of Object.entries(schema.patternProperties)) {
      if (safeTest(pattern, key)) return sub;
    }
  }
  return schema.additionalProperties;
}

function arrayFor(schema: SchemaObject, context: Context): unknown {
  // Draft-07 tuples (items: [...]) and 2020-12 tuples (prefixItems) look the same from here.
  const prefix = asArray(schema.prefixItems) ?? asArray(schema.items) ?? [];
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  let count = Math.max(minItems, 1);
  if (typeof schema.maxItems === 'number') count = Math.min(count, schema.maxItems);
  if (rest === false) count = Math.min(count, Math.max(prefix.length, minItems));

  const items: unknown[] = [];
  for (let index = 0; index < count; index++) {
    let itemSchema = index < prefix.length ? prefix[index] : rest;
    if (index === 0 && schema.contains !== undefined) itemSchema = mergeSchemas(asSchema(itemSchema), schema.contains);
    const value = generate(itemSchema, context, schema.uniqueItems === true ? index : 0);
    if (value === RECURSION) {
      // A recursive item type (a tree's children): stop here, an empty list is finite.
      if (items.length >= minItems) break;
      return RECURSION;
    }
    items.push(value);
  }
  return items;
}

function stringFor(schema: SchemaObject, variant: number): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let text = format?.sample ?? 'x';
  if (variant > 0 && !format) text += String(variant);
  if (typeof schema.pattern === 'string') {
    const matching = PATTERN_CANDIDATES.map((candidate) => (variant > 0 ? `${candidate}${variant}` : candidate)).find((candidate) =>
      safeTest(schema.pattern as string, candidate),
    );
    if (matching !== undefined) text = matching;
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  if (text.length < minLength) text += 'x'.repeat(minLength - text.length);
  if (typeof schema.maxLength === 'number' && text.length > schema.maxLength) text = text.slice(0, schema.maxLength);
  return text;
}

/** 0 when allowed, else the smallest allowed value near the bounds, then rounded to `multipleOf`. */
function numberFor(schema: SchemaObject, integer: boolean, variant: number): number {
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : undefined;
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : schema.exclusiveMinimum === true ? min : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : schema.exclusiveMaximum === true ? max : undefined;

  const aboveLower = (n: number) => (min === undefined || n >= min) && (exclusiveMin === undefined || n > exclusiveMin);
  const belowUpper = (n: number) => (max === undefined || n <= max) && (exclusiveMax === undefined || n < exclusiveMax);
  const fits = (n: number) => aboveLower(n) && belowUpper(n) && (step === undefined || isMultiple(n, step));

  let base: number;
  const lower = Math.max(min ?? -Infinity, exclusiveMin ?? -Infinity);
  const upper = Math.min(max ?? Infinity, exclusiveMax ?? Infinity);
  if (fits(0)) {
    base = 0;
  } else if (lower > -Infinity) {
    // Smallest multiple of the step at or above the lower bound (strictly above when exclusive).
    base = step === undefined ? lower : Math.ceil(lower / step) * step;
    if (!aboveLower(base)) base = step === undefined ? (upper < Infinity ? (lower + upper) / 2 : lower + 1) : base + step;
  } else {
    base = step === undefined ? upper : Math.floor(upper / step) * step;
    if (!belowUpper(base)) base = step === undefined ? upper - 1 : base - step;
  }
  if (variant === 0) return base;
  // Distinct values for uniqueItems: step away from the base, upwards unless that leaves the range.
  const offset = variant * (step ?? 1);
  return fits(base + offset) || !fits(base - offset) ? base + offset : base - offset;
}

// --- Helpers -----------------------------------------------------------------------------------

function isMultiple(n: number, step: number): boolean {
  const quotient = n / step;
  return Math.abs(quotient - Math.round(quotient)) < 1e-9;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function asSchema(value: unknown): SchemaObject {
  return isSchemaObject(value) ? value : {};
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
