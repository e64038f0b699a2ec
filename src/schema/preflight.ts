/**
 * Schema preflight (spec A4, matrix A06/A07): reject, before any dispatch, a schema that no agent
 * could ever satisfy. Otherwise the agent would burn every structured-output attempt (A3) on an
 * impossible task and the user would pay for a failure the schema made certain.
 *
 * "Provably unsatisfiable" is read the way a reviewer reads a schema, not as a full satisfiability
 * decision: contradictory keywords on one node (`minimum > maximum`, empty `enum`, a `required` key
 * that `additionalProperties: false` forbids, ...) are rejected wherever they appear, even under an
 * optional property or in an unused `$defs` entry, because they are always a bug. Cross-node
 * reasoning is limited to `anyOf`/`oneOf` (rejected only when every branch is impossible) and
 * `allOf` (rejected when any member is); `not` and `if`/`then`/`else` are not examined.
 */
import { validatorFor } from './validate.js';
import { WfSchemaError } from './errors.js';
import { createRequire } from 'node:module';

interface Problem {
  path: string;
  reason: string;
}

type SchemaObject = Record<string, unknown>;

const HINT = 'fix the schema; the agent was not started and no tokens were spent';

/** Throws a {@link WfSchemaError} naming the first problem found; returns when the schema is usable. */
export function preflightSchema(schema: unknown): void {
  const problem = nonJson(schema, '#', []) ?? rootProblem(schema) ?? contradiction(schema as SchemaObject, '#');
  if (problem) throw new WfSchemaError(problem.path, problem.reason, { hint: HINT });
  // Last, whatever ajv itself refuses (wrong keyword types, unresolvable $ref): it would otherwise
  // surface only after the agent had already run.
  validatorFor(schema);
}

// --- JSON-representable ------------------------------------------------------------------------

/**
 * The schema crosses to providers as JSON, so anything JSON would silently change is refused: a
 * RegExp as `pattern` would become `{}`, NaN would become null. Object properties whose value is
 * `undefined` are allowed, since JSON drops them and nothing is lost (`{ minItems: opts.n }`).
 */
function nonJson(value: unknown, path: string, ancestors: object[]): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, reason: `${value} is not representable in JSON` };
    case 'object':
      break;
    default:
      return { path, reason: `${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`} is not representable in JSON` };
  }
  if (value === null) return undefined;
  if (ancestors.includes(value)) return { path, reason: 'the schema contains a circular reference' };
  const inner = [...ancestors, value];
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = nonJson(value[index], `${path}/${index}`, inner);
      if (problem) return problem;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object';
    return { path, reason: `a ${kind} is not representable in JSON (use plain objects, arrays, strings, numbers)` };
  }
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const problem = nonJson(child, `${path}/${escapePointer(key)}`, inner);
    if (problem) return problem;
  }
  return undefined;
}

// --- The root ----------------------------------------------------------------------------------

/** The root must describe an object (A1): providers take it as a tool's input schema. */
function rootProblem(schema: unknown): Problem | undefined {
  const fix = 'the root must be an object schema, e.g. { type: "object", properties: {...} }';
  if (!isSchemaObject(schema)) return { path: '#', reason: `${fix}; got ${JSON.stringify(schema)}` };
  const type = schema.type;
  if (type === 'object' || (Array.isArray(type) && type.length === 1 && type[0] === 'object')) return undefined;
  if (type === undefined && isSchemaObject(schema.properties)) return undefined;
  if (type === undefined) return { path: '#', reason: `${fix}; this one has no type and no properties` };
  return { path: '#', reason: `${fix}; got type ${JSON.stringify(type)}` };
}

// --- Contradictions ----------------------------------------------------------------------------

/** A subschema that must be satisfiable: `false` counts as impossible here (allOf, anyOf branches). */
function impossible(schema: unknown, path: string): Problem | undefined {
  if (schema === false) return { path, reason: 'the schema false matches nothing' };
  return isSchemaObject(schema) ? contradiction(schema, path) : undefined;
}

/** A subschema in a position where `false` is meaningful (properties.x: false forbids x). */
function nested(schema: unknown, path: string): Problem | undefined {
  return isSchemaObject(schema) ? contradiction(schema, path) : undefined;
}

function contradiction(schema: SchemaObject, path: string): Problem | undefined {
  const local = localContradiction(schema);
  if (local) return { path, reason: local };

  for (const keyword of ['properties', 'patternProperties', '$defs', 'definitions'] as const) {
    const map = schema[keyword];
    if (!isSchemaObject(map)) continue;
    for (const [name, child] of Object.entries(map)) {
      const problem = nested(child, `${path}/${keyword}/${escapePointer(name)}`);
      if (problem) return problem;
    }
  }
  for (const keyword of ['additionalProperties', 'additionalItems', 'propertyNames'] as const) {
    const problem = nested(schema[keyword], `${path}/${keyword}`);
    if (problem) return problem;
  }
  for (const keyword of ['items', 'prefixItems'] as const) {
    const value = schema[keyword];
    const problem = Array.isArray(value)
      ? firstOf(value, (child, index) => nested(child, `${path}/${keyword}/${index}`))
      : nested(value, `${path}/${keyword}`);
    if (problem) return problem;
  }
  if (schema.contains !== undefined && schema.minContains !== 0) {
    const problem = impossible(schema.contains, `${path}/contains`);
    if (problem) return problem;
  }
  if (Array.isArray(schema.allOf)) {
    const problem = firstOf(schema.allOf, (child, index) => impossible(child, `${path}/allOf/${index}`));
    if (problem) return problem;
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches) || branches.length === 0) continue;
    const problems = branches.map((child, index) => impossible(child, `${path}/${keyword}/${index}`));
    if (problems.every((problem) => problem !== undefined)) {
      const details = problems.map((problem) => `${problem!.path}: ${problem!.reason}`).join('; ');
      return { path: `${path}/${keyword}`, reason: `no branch can be satisfied (${details})` };
    }
  }
  return undefined;
}

/** Keywords of one node that contradict each other; the reason, or undefined. */
function localContradiction(schema: SchemaObject): string | undefined {
  return (
    typeProblem(schema) ??
    numberRangeProblem(schema) ??
    countProblem(schema, 'minLength', 'maxLength') ??
    countProblem(schema, 'minItems', 'maxItems') ??
    countProblem(schema, 'minProperties', 'maxProperties') ??
    countProblem(schema, 'minContains', 'maxContains') ??
    requiredProblem(schema) ??
    patternProblem(schema)
  );
}

function typeProblem(schema: SchemaObject): string | undefined {
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types && types.length === 0) return 'type is an empty list: no value has no type';
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length === 0) return 'enum is empty: no value can match';
    if (types && !schema.enum.some((value) => hasType(value, types))) {
      return `no enum value has type ${JSON.stringify(schema.type)}`;
    }
  }
  if ('const' in schema && types && !hasType(schema.const, types)) {
    return `const ${JSON.stringify(schema.const)} does not have type ${JSON.stringify(schema.type)}`;
  }
  return undefined;
}

interface Bound {
  keyword: string;
  value: number;
  exclusive: boolean;
}

/** Covers draft-06+ numeric `exclusiveMinimum` and draft-04's boolean form beside `minimum`. */
function numberRangeProblem(schema: SchemaObject): string | undefined {
  const lower = tightest(schema, 'minimum', 'exclusiveMinimum', (a, b) => a > b);
  const upper = tightest(schema, 'maximum', 'exclusiveMaximum', (a, b) => a < b);
  if (!lower || !upper) return undefined;
  if (lower.value > upper.value) return `${lower.keyword} (${lower.value}) is greater than ${upper.keyword} (${upper.value})`;
  if (lower.value === upper.value && (lower.exclusive || upper.exclusive)) {
    return `${lower.keyword} (${lower.value}) and ${upper.keyword} (${upper.value}) leave no number between them`;
  }
  return undefined;
}

function tightest(
  schema: SchemaObject,
  inclusive: string,
  exclusive: string,
  tighter: (a: number, b: number) => boolean,
): Bound | undefined {
  const bounds: Bound[] = [];
  const plain = schema[inclusive];
  const strict = schema[exclusive];
  if (typeof plain === 'number') bounds.push({ keyword: inclusive, value: plain, exclusive: strict === true });
  if (typeof strict === 'number') bounds.push({ keyword: exclusive, value: strict, exclusive: true });
  return bounds.reduce<Bound | undefined>((best, bound) => {
    if (!best || tighter(bound.value, best.value)) return bound;
    return bound.value === best.value && bound.exclusive ? bound : best;
  }, undefined);
}

function countProblem(schema: SchemaObject, min: string, max: string): string | undefined {
  const low = schema[min];
  const high = schema[max];
  if (typeof low === 'number' && typeof high === 'number' && low > high) {
    return `${min} (${low}) is greater than ${max} (${high})`;
  }
  return undefined;
}

/**
 * The patterns come from the script, so testing them runs untrusted regexes on the host, where a
 * catastrophic-backtracking pattern could freeze the wf process. Keys this short keep even an
 * exponential pattern to a few milliseconds; a longer key is assumed to match (preflight only
 * rejects what it can prove, and validation of the reply still applies the schema).
 */
const MAX_KEY_FOR_PATTERN_TEST = 16;
const MAX_PATTERN_CHARS = 1000;

/**
 * A required key must be allowed somewhere: by `properties` (and not as `false`), by a matching
 * `patternProperties` regex, or by `additionalProperties` not being `false`.
 */
function requiredProblem(schema: SchemaObject): string | undefined {
  if (!Array.isArray(schema.required)) return undefined;
  const required = [...new Set(schema.required.filter((key): key is string => typeof key === 'string'))];
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const patterns = isSchemaObject(schema.patternProperties) ? Object.keys(schema.patternProperties) : [];
  for (const key of required) {
    if (Object.hasOwn(properties, key)) {
      if (properties[key] === false) return `required key ${JSON.stringify(key)} is forbidden by properties.${key}: false`;
      continue;
    }
    if (patterns.length > 0 && key.length > MAX_KEY_FOR_PATTERN_TEST) continue; // assume a match: see below
    if (patterns.some((pattern) => safeRegExp(pattern)?.test(key))) continue;
    if (schema.additionalProperties === false) {
      return (
        `required key ${JSON.stringify(key)} is not in properties, matches no patternProperties, ` +
        'and additionalProperties is false, so no object can have it'
      );
    }
  }
  if (typeof schema.maxProperties === 'number' && required.length > schema.maxProperties) {
    return `${required.length} keys are required but maxProperties is ${schema.maxProperties}`;
  }
  return undefined;
}

/**
 * ajv compiles patterns with the `u` flag; so do we, so that both agree on what is valid.
 * Patterns are also refused when they can backtrack catastrophically (nested quantifiers such as
 * `(a+)+`): the reply is validated on the host, where one such pattern could freeze the wf process.
 */
function patternProblem(schema: SchemaObject): string | undefined {
  const patterns: Array<[string, string]> = [];
  if (typeof schema.pattern === 'string') patterns.push(['pattern', schema.pattern]);
  if (isSchemaObject(schema.patternProperties)) {
    for (const key of Object.keys(schema.patternProperties)) patterns.push(['patternProperties key', key]);
  }
  for (const [where, pattern] of patterns) {
    if (!safeRegExp(pattern)) return `${where} ${JSON.stringify(pattern)} is not a valid regular expression`;
    if (!isLinearEnough(pattern)) {
      return `${where} ${JSON.stringify(pattern)} has nested quantifiers and could take exponential time to match; simplify it`;
    }
  }
  return undefined;
}

// --- Helpers -----------------------------------------------------------------------------------

function hasType(value: unknown, types: unknown[]): boolean {
  return types.some((type) => {
    switch (type) {
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'string':
      case 'boolean':
        return typeof value === type;
      default:
        return true; // an unknown type name: ajv reports it; not our call here
    }
  });
}

function isLinearEnough(source: string): boolean {
  return source.length <= MAX_PATTERN_CHARS && safeRegex()(source);
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

function firstOf<T>(items: readonly T[], find: (item: T, index: number) => Problem | undefined): Problem | undefined {
  for (let index = 0; index < items.length; index++) {
    const problem = find(items[index] as T, index);
    if (problem) return problem;
  }
  return undefined;
}

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON Pointer escaping (RFC 6901), so a property named `a/b` gives `#/properties/a~1b`. */
function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** safe-regex2, loaded on the first schema with a pattern rather than at every start (≈ 13 ms). */
function safeRegex(): typeof import('safe-regex2').default {
  return (createRequire(import.meta.url)('safe-regex2') as { default: typeof import('safe-regex2').default }).default;
}
