/**
 * Canonical JSON for cache keys (spec C1), in the manner of RFC 8785: object keys sorted by UTF-16
 * code units, no whitespace, numbers and strings as `JSON.stringify` writes them. Anything JSON
 * cannot carry faithfully is rejected with its path instead of being dropped or turned into `null`,
 * because two different specs must never hash to one key.
 */
import { createHash } from 'node:crypto';
import { CacheKeyError } from './errors.js';

/**
 * The canonical JSON text of `value`. An object property whose value is `undefined` is omitted (so
 * `{ a: undefined }` equals `{}`); everything else JSON cannot represent throws a
 * {@link CacheKeyError} naming what was found and where, e.g. `NaN at $.model.params.temperature`.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Map());
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `ancestors` maps each object on the current path to its own path, to name both ends of a cycle. */
function write(value: unknown, path: string, ancestors: Map<object, string>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) reject(String(value), path);
      return JSON.stringify(value);
    case 'undefined':
      return reject('undefined', path);
    case 'function':
      return reject('a function', path);
    case 'symbol':
      return reject('a symbol', path);
    case 'bigint':
      return reject(`a bigint (${value}n)`, path);
  }
  if (value === null) return 'null';
  const object = value as object;
  const seen = ancestors.get(object);
  if (seen !== undefined) reject(`a cycle (back to ${seen})`, path);
  const prototype = Object.getPrototypeOf(object) as object | null;
  const isArray = Array.isArray(object) && prototype === Array.prototype;
  if (!isArray && prototype !== Object.prototype && prototype !== null) reject(describeInstance(prototype), path);
  if (Object.getOwnPropertySymbols(object).some((symbol) => Object.prototype.propertyIsEnumerable.call(object, symbol))) {
    reject('a symbol-keyed property', path);
  }

  ancestors.set(object, path);
  let text: string;
  if (isArray) {
    const array = object as unknown[];
    // An index loop, not map(): map skips holes, and a hole is an `undefined` JSON cannot hold.
    const items: string[] = [];
    for (let index = 0; index < array.length; index++) items.push(write(array[index], `${path}[${index}]`, ancestors));
    text = `[${items.join(',')}]`;
  } else {
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    // Default sort compares UTF-16 code units, as RFC 8785 asks. Reading `record[key]` of an own
    // "__proto__" property yields that property, not the prototype.
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, childPath(path, key), ancestors)}`);
    }
    text = `{${members.join(',')}}`;
  }
  ancestors.delete(object);
  return text;
}

function reject(what: string, path: string): never {
  throw new CacheKeyError(`cannot be part of a cache key: ${what} at ${path}`, {
    hint: 'a cache key holds JSON only: strings, finite numbers, booleans, null, plain objects and arrays',
  });
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describeInstance(prototype: object): string {
  let name: unknown;
  try {
    name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    // A hostile getter on the prototype: the generic wording below is enough.
  }
  if (typeof name !== 'string' || name === '') return 'an object that is not a plain object';
  return `an instance of ${name}`;
}
