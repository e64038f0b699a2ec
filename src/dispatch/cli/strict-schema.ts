/**
 * JSON Schema → OpenAI strict mode (`response_format` strict, Codex `--output-schema`), and back.
 *
 * Strict mode (research note 2.6) wants every object closed (`additionalProperties: false`) with
 * every property listed in `required`, and only a subset of keywords. So:
 * - an optional property becomes required but nullable (`type: [T, 'null']`, `null` added to an
 *   `enum`, or `anyOf: [S, {type: 'null'}]`); {@link stripNullOptionals} removes those nulls again;
 * - `oneOf` becomes `anyOf`; `allOf` members are merged into their parent;
 * - keywords strict mode refuses are dropped (string lengths, `not`, `if`/`then`/`else`,
 *   `patternProperties`, `uniqueItems`, `default`, …). The engine validates the parsed reply
 *   against the ORIGINAL schema, so nothing is lost but the model's guidance: a reply that breaks a
 *   dropped rule is sent back like any other invalid reply;
 * - an open object (`additionalProperties` a schema, or no `properties`) is closed: strict mode
 *   cannot express maps. Its free-form entries cannot be produced; use an array of pairs instead;
 * - a schema with no type (`{}` or `true`) becomes "any JSON scalar or null" (strict mode needs a
 *   type); a tuple (`items: [...]`, `prefixItems`) becomes an array of the union of its members.
 */

type Schema = Record<string, unknown>;

const KEPT = new Set([
  'type',
  'description',
  'title',
  'enum',
  'const',
  '$ref',
  'pattern',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
]);

/** The string formats strict mode accepts; others are dropped (the engine still checks them). */
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

const ANY_SCALAR: Schema = { type: ['string', 'number', 'boolean', 'null'] };

/** A strict-mode copy of `schema` (the input is not changed). */
export function toStrictSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return convert(schema);
}

function convert(input: unknown): Schema {
  if (input === true || input === undefined) return { ...ANY_SCALAR };
  if (input === false || !isObject(input)) return { type: 'null' }; // `false` admits nothing; null is the closest strict can say
  const node = mergeAllOf(input);
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEPT.has(key)) out[key] = value;
  }
  if (typeof node.format === 'string' && FORMATS.has(node.format)) out.format = node.format;

  // Definitions stay where the `$ref`s point.
  for (const key of ['$defs', 'definitions']) {
    if (isObject(node[key])) {
      out[key] = Object.fromEntries(Object.entries(node[key] as Schema).map(([name, sub]) => [name, convert(sub)]));
    }
  }

  const union = [...(Array.isArray(node.anyOf) ? node.anyOf : []), ...(Array.isArray(node.oneOf) ? node.oneOf : [])];
  if (union.length > 0) out.anyOf = union.map(convert);

  if (out.type === undefined && out.anyOf === undefined && out.$ref === undefined) {
    const inferred = inferType(node);
    if (inferred !== undefined) out.type = inferred;
    else if (out.enum === undefined && out.const === undefined) return { ...ANY_SCALAR, ...pick(out, ['description', 'title']) };
  }

  const types = typeList(out.type);
  if (types.includes('object')) {
    const properties = isObject(node.properties) ? (node.properties as Schema) : {};
    const required = new Set(Array.isArray(node.required) ? node.required.filter((key): key is string => typeof key === 'string') : []);
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, sub]) => {
        const converted = convert(sub);
        return [name, required.has(name) ? converted : nullable(converted)];
      }),
    );
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  if (types.includes('array')) {
    if (Array.isArray(node.items) || Array.isArray(node.prefixItems)) {
      const members = [...(Array.isArray(node.prefixItems) ? node.prefixItems : []), ...(Array.isArray(node.items) ? node.items : [])];
      if (isObject(node.items) || node.items === true) members.push(node.items);
      out.items = members.length === 1 ? convert(members[0]) : { anyOf: members.map(convert) };
    } else {
      out.items = convert(node.items);
    }
  }
  return out;
}

/** `allOf: [A, B]` folded into its parent: properties and `required` merged, other keywords first-wins. */
function mergeAllOf(node: Schema): Schema {
  if (!Array.isArray(node.allOf)) return node;
  const { allOf, ...rest } = node;
  let merged: Schema = { ...rest };
  for (const member of allOf as unknown[]) {
    if (!isObject(member)) continue;
    const part = mergeAllOf(member);
    const properties = { ...(isObject(part.properties) ? part.properties : {}), ...(isObject(merged.properties) ? merged.properties : {}) };
    const required = [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...(Array.isArray(part.required) ? part.required : [])])];
    merged = { ...part, ...merged };
    if (Object.keys(properties).length > 0) merged.properties = properties;
    if (required.length > 0) merged.required = required;
  }
  return merged;
}

function inferType(node: Schema): string | string[] | undefined {
  if (isObject(node.properties) || node.additionalProperties !== undefined || Array.isArray(node.required)) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  const values = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (values === undefined) return undefined;
  const types = [...new Set(values.map(jsonType))];
  return types.length === 1 ? types[0] : types;
}

/** The schema, also admitting null. */
function nullable(schema: Schema): Schema {
  if (admitsNull(schema)) return schema;
  if (schema.type !== undefined && schema.$ref === undefined && schema.anyOf === undefined && schema.const === undefined) {
    const out: Schema = { ...schema, type: [...typeList(schema.type), 'null'] };
    if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.anyOf) && Object.keys(schema).every((key) => key === 'anyOf' || key === 'description' || key === 'title')) {
    return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  }
  const { description, title, ...inner } = schema;
  return { ...(description === undefined ? {} : { description }), ...(title === undefined ? {} : { title }), anyOf: [inner, { type: 'null' }] };
}

function admitsNull(schema: Schema): boolean {
  if (typeList(schema.type).includes('null')) return !Array.isArray(schema.enum) || schema.enum.includes(null);
  if (Array.isArray(schema.anyOf)) return schema.anyOf.some((branch) => isObject(branch) && admitsNull(branch));
  return false;
}

/**
 * Undoes the nulls {@link toStrictSchema} made the model write: a property that is `null`, optional
 * in `schema` (the ORIGINAL schema) and does not admit null there is removed. Walks nested
 * objects, arrays, local `$ref`s, `allOf`, and for `anyOf`/`oneOf` the branch that fits the value
 * best. Returns a new value; other values pass through unchanged.
 */
export function stripNullOptionals(value: unknown, schema: Record<string, unknown>): unknown {
  return strip(value, schema, schema, 0);
}

function strip(value: unknown, schemaIn: unknown, root: Schema, depth: number): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  const schema = resolveRef(schemaIn, root);
  if (!isObject(schema)) return value;
  let current: unknown = value;
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) current = strip(current, member, root, depth + 1);
  }
  const union = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (union.length > 0) {
    const branch = bestBranch(current, union, root);
    if (branch !== undefined) current = strip(current, branch, root, depth + 1);
  }
  if (Array.isArray(current)) {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
    const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
    return current.map((item, index) => strip(item, index < prefix.length ? prefix[index] : rest, root, depth + 1));
  }
  if (current === null || typeof current !== 'object') return current;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(current as Record<string, unknown>)) {
    const sub = Object.hasOwn(properties, key) ? properties[key] : isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
    if (item === null && Object.hasOwn(properties, key) && !required.includes(key) && !allowsNull(sub, root, 0)) continue;
    out[key] = strip(item, sub, root, depth + 1);
  }
  return out;
}

/** The union member that fits `value` best: matching JSON type first, then most shared property names. */
function bestBranch(value: unknown, branches: unknown[], root: Schema): unknown {
  let best: unknown;
  let bestScore = -Infinity;
  for (const raw of branches) {
    const branch = resolveRef(raw, root);
    if (!isObject(branch)) continue;
    const types = typeList(branch.type ?? inferType(branch));
    const type = jsonType(value);
    if (types.length > 0 && !types.includes(type) && !(type === 'integer' && types.includes('number'))) continue;
    let score = 0;
    if (type === 'object' && isObject(value)) {
      const properties = isObject(branch.properties) ? branch.properties : {};
      for (const key of Object.keys(value)) score += Object.hasOwn(properties, key) ? 1 : -1;
    }
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** Whether the original schema admits null (then a null is the model's answer, not our filler). */
function allowsNull(schemaIn: unknown, root: Schema, depth: number): boolean {
  if (schemaIn === undefined || schemaIn === true) return true;
  if (depth > 32) return false;
  const schema = resolveRef(schemaIn, root);
  if (!isObject(schema)) return false;
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  if ('const' in schema) return schema.const === null;
  if (schema.type !== undefined) return typeList(schema.type).includes('null');
  const union = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (union.length > 0) return union.some((branch) => allowsNull(branch, root, depth + 1));
  if (Array.isArray(schema.allOf)) return schema.allOf.every((member) => allowsNull(member, root, depth + 1));
  // No type, no enum, no union: a schema without constraints on type (`{}`, `{description}`).
  return !isObject(schema.properties) && schema.items === undefined;
}

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`, any `#/…` pointer), followed to its target. */
function resolveRef(schema: unknown, root: Schema): unknown {
  let current = schema;
  for (let hops = 0; hops < 16 && isObject(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter((segment) => segment !== '')) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((entry): entry is string => typeof entry === 'string') : [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function pick(schema: Schema, keys: string[]): Schema {
  return Object.fromEntries(keys.filter((key) => schema[key] !== undefined).map((key) => [key, schema[key]]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
