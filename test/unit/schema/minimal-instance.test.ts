import { describe, expect, it } from 'vitest';
import { minimalInstance, preflightSchema, validatorFor } from '../../../src/schema/index.js';

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
  ...extra,
});

/** Schema → the exact instance expected (undefined: only validity is asserted). */
const CASES: Array<[string, Record<string, unknown>, unknown?]> = [
  ['A02 files list', obj({ files: { type: 'array', items: { type: 'string' } } }), { files: ['x'] }],
  ['scalars', obj({ s: { type: 'string' }, n: { type: 'number' }, i: { type: 'integer' }, b: { type: 'boolean' }, z: { type: 'null' } }), { s: 'x', n: 0, i: 0, b: true, z: null }],
  ['required keys only', { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } } }, { a: 'x' }],
  ['enum and const', obj({ e: { enum: ['pass', 'fail'] }, c: { const: { deep: [1] } } }), { e: 'pass', c: { deep: [1] } }],
  ['minLength repeats', obj({ s: { type: 'string', minLength: 4 } }), { s: 'xxxx' }],
  ['maxLength 0', obj({ s: { type: 'string', maxLength: 0 } }), { s: '' }],
  ['formats', obj({ u: { type: 'string', format: 'uri' }, e: { type: 'string', format: 'email' }, d: { type: 'string', format: 'date-time' }, day: { type: 'string', format: 'date' }, id: { type: 'string', format: 'uuid' }, ip: { type: 'string', format: 'ipv4' }, h: { type: 'string', format: 'hostname' }, t: { type: 'string', format: 'time' } })],
  ['unknown format', obj({ s: { type: 'string', format: 'my-thing' } }), { s: 'x' }],
  ['pattern', obj({ code: { type: 'string', pattern: '^[0-9]+$' }, up: { type: 'string', pattern: '^[A-Z]' } }), { code: '0', up: 'A' }],
  ['minimum', obj({ n: { type: 'number', minimum: 3 }, i: { type: 'integer', minimum: 2.5 } }), { n: 3, i: 3 }],
  ['exclusiveMinimum', obj({ n: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, i: { type: 'integer', exclusiveMinimum: 0 } }), { n: 0.5, i: 1 }],
  ['exclusiveMinimum unbounded', obj({ n: { type: 'number', exclusiveMinimum: 7 } }), { n: 8 }],
  ['negative range', obj({ n: { type: 'integer', maximum: -3 }, m: { type: 'number', exclusiveMaximum: -1 } }), { n: -3, m: -2 }],
  ['multipleOf', obj({ n: { type: 'integer', minimum: 5, multipleOf: 4 }, m: { type: 'number', multipleOf: 0.5, exclusiveMinimum: 1 } }), { n: 8, m: 1.5 }],
  ['arrays get one item', obj({ a: { type: 'array' } }), { a: [null] }],
  ['minItems', obj({ a: { type: 'array', minItems: 3, items: { type: 'integer' } } }), { a: [0, 0, 0] }],
  ['maxItems 0', obj({ a: { type: 'array', maxItems: 0, items: { type: 'string' } } }), { a: [] }],
  ['uniqueItems', obj({ a: { type: 'array', minItems: 3, uniqueItems: true, items: { type: 'string' } }, b: { type: 'array', minItems: 2, uniqueItems: true, items: { enum: ['p', 'q'] } }, c: { type: 'array', minItems: 2, uniqueItems: true, items: { type: 'integer', minimum: 1 } } }), { a: ['x', 'x1', 'x2'], b: ['p', 'q'], c: [1, 2] }],
  ['prefixItems', obj({ t: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 2, items: false } }), { t: ['x', 0] }],
  ['draft-07 tuple', obj({ t: { type: 'array', items: [{ type: 'boolean' }, { type: 'string' }], minItems: 2, additionalItems: false } }), { t: [true, 'x'] }],
  ['contains', obj({ a: { type: 'array', contains: { type: 'integer', minimum: 4 } } }), { a: [4] }],
  ['anyOf first branch', obj({ v: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }), { v: 'x' }],
  ['nullable type list prefers the non-null type', obj({ v: { type: ['null', 'string'] } }), { v: 'x' }],
  ['oneOf skips a branch that also matches another', obj({ v: { oneOf: [{ type: 'number' }, { type: 'integer' }, { type: 'string' }] } }), { v: 'x' }],
  ['allOf merged', obj({ v: { allOf: [{ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, { required: ['b'], properties: { b: { type: 'integer', minimum: 2 } } }] } }), { v: { a: 'x', b: 2 } }],
  ['allOf bounds', obj({ n: { allOf: [{ type: 'integer', minimum: 2 }, { minimum: 5 }] } }), { n: 5 }],
  ['$defs ref', { type: 'object', required: ['item'], properties: { item: { $ref: '#/$defs/Item' } }, $defs: { Item: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 2 } } } } }, { item: { id: 'xx' } }],
  ['definitions ref', { type: 'object', required: ['item'], properties: { item: { $ref: '#/definitions/Item' } }, definitions: { Item: { enum: [3] } } }, { item: 3 }],
  ['recursive ref stops at an empty list', { type: 'object', required: ['root'], properties: { root: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', required: ['name', 'children'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } }, { root: { name: 'x', children: [] } }],
  ['recursive ref through anyOf takes the finite branch', { type: 'object', required: ['list'], properties: { list: { $ref: '#/$defs/List' } }, $defs: { List: { anyOf: [{ type: 'object', required: ['next'], properties: { next: { $ref: '#/$defs/List' } } }, { type: 'null' }] } } }, { list: null }],
  ['root $ref', { type: 'object', required: ['self'], properties: { self: { anyOf: [{ $ref: '#' }, { type: 'string' }] } } }, { self: 'x' }],
  ['untyped root', { properties: { a: { type: 'string' } }, required: ['a'] }, { a: 'x' }],
  ['patternProperties key', { type: 'object', required: ['x-id'], additionalProperties: false, patternProperties: { '^x-': { type: 'integer', minimum: 1 } } }, { 'x-id': 1 }],
  ['minProperties borrows optional properties', { type: 'object', minProperties: 2, properties: { a: { type: 'string' }, b: { type: 'boolean' } } }, { a: 'x', b: true }],
  ['minProperties invents keys', { type: 'object', minProperties: 1, additionalProperties: { type: 'integer' } }, { x1: 0 }],
  ['inferred types', obj({ o: { properties: {}, required: [] }, a: { items: { type: 'string' } }, s: { minLength: 2 }, n: { minimum: 1 } }), { o: {}, a: ['x'], s: 'xx', n: 1 }],
  ['true and empty schemas', obj({ any: true, empty: {}, described: { description: 'anything' } }), { any: null, empty: null, described: null }],
  ['__proto__ key', obj({ ['__proto__']: { type: 'string' } })],
  [
    'realistic review schema',
    obj(
      {
        verdict: { type: 'string', enum: ['approve', 'request_changes'] },
        summary: { type: 'string', minLength: 10, maxLength: 500 },
        issues: {
          type: 'array',
          items: obj({ file: { type: 'string' }, line: { type: 'integer', minimum: 1 }, severity: { enum: ['low', 'high'] } }, { additionalProperties: false }),
        },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      { additionalProperties: false },
    ),
  ],
  ['draft-07 $schema', { $schema: 'http://json-schema.org/draft-07/schema#', ...obj({ a: { type: 'string' } }) }, { a: 'x' }],
];

describe('minimalInstance', () => {
  it.each(CASES)('%s: generates a valid instance', (_name, schema, expected) => {
    preflightSchema(schema); // every case is a schema a user could pass
    const instance = minimalInstance(schema);
    expect(validatorFor(schema)(instance)).toEqual({ ok: true });
    if (expected !== undefined) expect(instance).toEqual(expected);
  });

  it('is deterministic and does not modify the schema', () => {
    const schema = CASES[CASES.length - 2]![1];
    const before = JSON.stringify(schema);
    expect(minimalInstance(schema)).toEqual(minimalInstance(schema));
    expect(JSON.stringify(schema)).toBe(before);
  });

  it('gives null for a schema with nothing to say, and never throws on odd input', () => {
    expect(minimalInstance(true)).toBeNull();
    expect(minimalInstance({})).toBeNull();
    expect(minimalInstance({ $ref: '#/$defs/missing' })).toBeNull();
    expect(minimalInstance({ $ref: '#' })).toBeNull();
  });
});
