import { describe, expect, it } from 'vitest';
import { WfError } from '../../../src/errors.js';
import { preflightSchema, WfSchemaError } from '../../../src/schema/index.js';

/** The error preflight throws for `schema`, or a failure when it throws none. */
function rejection(schema: unknown): WfSchemaError {
  try {
    preflightSchema(schema);
  } catch (error) {
    expect(error).toBeInstanceOf(WfSchemaError);
    return error as WfSchemaError;
  }
  throw new Error(`expected ${JSON.stringify(schema)} to be rejected`);
}

const obj = (extra: Record<string, unknown>) => ({ type: 'object', ...extra });

describe('preflightSchema', () => {
  it('A06 required key excluded by additionalProperties:false is rejected, naming the key', () => {
    const error = rejection({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } }, required: ['b'] });
    expect(error.message).toMatch(/^schema rejected before the agent started: #: /);
    expect(error.message).toContain('"b"');
    expect(error.message).toContain('additionalProperties');
    expect(error.code).toBe('WF_SCHEMA');
    expect(error.path).toBe('#');
    expect(WfError.isInstance(error)).toBe(true);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    ['string', { type: 'string' }],
    ['array', { type: 'array' }],
    ['empty', {}],
    ['type list', { type: ['object', 'null'] }],
  ])('A07 root that is not an object schema is rejected (%s)', (_name, schema) => {
    const error = rejection(schema);
    expect(error.path).toBe('#');
    expect(error.message).toContain('root must be an object schema');
  });

  it.each([[true], [false], [null], ['object'], [[]]])('A07 root that is not a schema object is rejected (%j)', (schema) => {
    expect(rejection(schema).path).toBe('#');
  });

  it('A07 untyped root with properties is accepted, and so is type ["object"]', () => {
    expect(() => preflightSchema({ properties: { a: { type: 'string' } } })).not.toThrow();
    expect(() => preflightSchema({ type: ['object'] })).not.toThrow();
  });

  it('A07 a required key matched by patternProperties is not a contradiction', () => {
    expect(() =>
      preflightSchema(obj({ additionalProperties: false, patternProperties: { '^x-': { type: 'string' } }, required: ['x-id'] })),
    ).not.toThrow();
    // ...but a pattern that does not match the key does not save it.
    expect(rejection(obj({ additionalProperties: false, patternProperties: { '^y-': {} }, required: ['x-id'] })).message).toContain('"x-id"');
  });

  it.each([
    ['minimum > maximum', { minimum: 5, maximum: 1 }, 'minimum (5) is greater than maximum (1)'],
    ['exclusiveMinimum = maximum', { exclusiveMinimum: 3, maximum: 3 }, 'leave no number'],
    ['minimum = exclusiveMaximum', { minimum: 3, exclusiveMaximum: 3 }, 'leave no number'],
    ['exclusiveMinimum > exclusiveMaximum', { exclusiveMinimum: 4, exclusiveMaximum: 2 }, 'greater than'],
    ['draft-04 boolean exclusive', { minimum: 2, maximum: 2, exclusiveMaximum: true }, 'leave no number'],
    ['empty enum', { enum: [] }, 'enum is empty'],
    ['minItems > maxItems', { type: 'array', minItems: 3, maxItems: 1 }, 'minItems (3) is greater than maxItems (1)'],
    ['minLength > maxLength', { type: 'string', minLength: 4, maxLength: 2 }, 'minLength (4)'],
    ['minProperties > maxProperties', { type: 'object', minProperties: 2, maxProperties: 1 }, 'minProperties (2)'],
    ['enum of the wrong type', { type: 'string', enum: [1, 2] }, 'no enum value has type'],
    ['const of the wrong type', { type: 'number', const: 'x' }, 'does not have type'],
    ['empty type list', { type: [] }, 'type is an empty list'],
    ['invalid pattern', { type: 'string', pattern: '(' }, 'not a valid regular expression'],
  ])('A07 %s is rejected and the path is named', (_name, bad, reason) => {
    const error = rejection(obj({ properties: { n: bad } }));
    expect(error.path).toBe('#/properties/n');
    expect(error.message).toContain('#/properties/n: ');
    expect(error.message).toContain(reason);
  });

  it('A07 the same contradictions are found on the root itself', () => {
    expect(rejection(obj({ minProperties: 3, maxProperties: 1 })).path).toBe('#');
    expect(rejection(obj({ required: ['a', 'b'], maxProperties: 1 })).message).toContain('maxProperties is 1');
  });

  it('A07 nested contradictions name the path through properties and items', () => {
    const nested = { outer: { type: 'array', items: { type: 'integer', minimum: 5, maximum: 1 } } };
    expect(rejection(obj({ properties: nested })).path).toBe('#/properties/outer/items');
    expect(rejection(obj({ properties: { outer: { type: 'object', properties: { inner: { enum: [] } } } } })).path).toBe(
      '#/properties/outer/properties/inner',
    );
    const tuple = { type: 'array', items: [{ type: 'string' }, { type: 'string', minLength: 3, maxLength: 1 }] };
    expect(rejection(obj({ properties: { t: tuple } })).path).toBe('#/properties/t/items/1');
    const prefix = { type: 'array', prefixItems: [{ enum: [] }] };
    expect(rejection(obj({ properties: { t: prefix } })).path).toBe('#/properties/t/prefixItems/0');
    expect(rejection(obj({ additionalProperties: { minItems: 2, maxItems: 0 } })).path).toBe('#/additionalProperties');
    expect(rejection(obj({ patternProperties: { '^a': { enum: [] } } })).path).toBe('#/patternProperties/^a');
  });

  it('A07 escapes property names in the path (JSON pointer)', () => {
    expect(rejection(obj({ properties: { 'a/b~c': { enum: [] } } })).path).toBe('#/properties/a~1b~0c');
  });

  it('A07 anyOf/oneOf are rejected only when every branch is unsatisfiable', () => {
    const someBad = { anyOf: [{ type: 'string', minLength: 3, maxLength: 1 }, { type: 'null' }] };
    expect(() => preflightSchema(obj({ properties: { a: someBad } }))).not.toThrow();
    const allBad = { oneOf: [{ minimum: 5, maximum: 1 }, { enum: [] }, false] };
    const error = rejection(obj({ properties: { a: allBad } }));
    expect(error.path).toBe('#/properties/a/oneOf');
    expect(error.message).toContain('no branch can be satisfied');
    expect(error.message).toContain('#/properties/a/oneOf/1: enum is empty');
  });

  it('A07 allOf is rejected when any member is unsatisfiable (false included)', () => {
    expect(rejection(obj({ properties: { a: { allOf: [{ type: 'string' }, { minLength: 2, maxLength: 1 }] } } })).path).toBe(
      '#/properties/a/allOf/1',
    );
    expect(rejection(obj({ allOf: [{}, false] })).path).toBe('#/allOf/1');
  });

  it('A07 every $defs / definitions entry is checked, used or not', () => {
    expect(rejection(obj({ $defs: { Bad: { minItems: 2, maxItems: 1 } } })).path).toBe('#/$defs/Bad');
    expect(rejection(obj({ definitions: { Bad: { enum: [] } } })).path).toBe('#/definitions/Bad');
  });

  it('A4 false is fine where it only forbids something, and not is never examined', () => {
    expect(() =>
      preflightSchema(obj({ properties: { a: false, b: { type: 'array', prefixItems: [{}], items: false } }, additionalProperties: false })),
    ).not.toThrow();
    expect(() => preflightSchema(obj({ properties: { a: { not: { minimum: 5, maximum: 1 } } } }))).not.toThrow();
  });

  it('A4 a required key whose property schema is false is rejected', () => {
    expect(rejection(obj({ properties: { a: false }, required: ['a'] })).message).toContain('required key "a" is forbidden');
  });

  it('A4 a schema that is not JSON-representable is rejected with its path', () => {
    expect(rejection(obj({ properties: { a: { type: 'string', pattern: /x/ } } })).path).toBe('#/properties/a/pattern');
    expect(rejection(obj({ properties: { a: { type: 'number', maximum: Number.NaN } } })).message).toContain('NaN');
    expect(rejection(obj({ properties: { a: { type: 'string', default: () => 1 } } })).message).toContain('function');
    expect(rejection(obj({ properties: { a: { enum: [1, undefined] } } })).path).toBe('#/properties/a/enum/1');
    expect(rejection(obj({ properties: { a: { type: 'integer', maximum: 10n } } })).message).toContain('bigint');
    expect(rejection(obj({ properties: { when: { const: new Date(0) } } })).message).toContain('a Date');
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(rejection(cyclic).message).toContain('circular');
  });

  it('A4 undefined-valued keys (dropped by JSON) and shared subschemas are accepted', () => {
    const shared = { type: 'string' };
    expect(() => preflightSchema(obj({ minProperties: undefined, properties: { a: shared, b: shared } }))).not.toThrow();
    expect(() => preflightSchema(Object.assign(Object.create(null), { type: 'object' }))).not.toThrow();
  });

  it('A4 a schema ajv cannot compile is rejected before dispatch too', () => {
    const typo = rejection(obj({ properties: { a: { type: 'strnig' } } }));
    expect(typo.path).toBe('#/properties/a/type');
    expect(typo.message).toContain('invalid JSON Schema (must be equal to one of the allowed values');
    expect(rejection(obj({ required: 'a' })).path).toBe('#/required');
    expect(rejection(obj({ properties: { a: { $ref: '#/$defs/Missing' } } })).message).toContain('not a valid JSON Schema');
  });

  it('accepts ordinary schemas', () => {
    const schemas = [
      obj({ required: ['files'], properties: { files: { type: 'array', items: { type: 'string' } } } }),
      obj({
        required: ['verdict', 'score'],
        additionalProperties: false,
        properties: {
          verdict: { enum: ['pass', 'fail'] },
          score: { type: 'number', minimum: 0, maximum: 10 },
          notes: { type: ['string', 'null'], maxLength: 200 },
        },
      }),
      obj({ properties: { node: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } }),
      obj({ properties: { range: { type: 'integer', minimum: 3, maximum: 3 } } }),
      { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { t: { type: 'array', items: [{ type: 'string' }], additionalItems: false } } },
    ];
    for (const schema of schemas) expect(() => preflightSchema(schema)).not.toThrow();
  });
});

describe('preflightSchema: patterns that would run on the host', () => {
  it('A4 a pattern or patternProperties key with nested quantifiers is refused before dispatch', () => {
    const nested = () => preflightSchema({ type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } });
    expect(nested).toThrow(/#\/properties\/a: pattern "\^\(a\+\)\+\$" has nested quantifiers/);
    expect(() => preflightSchema({ type: 'object', patternProperties: { '(.*a){12}': {} } })).toThrow(/nested quantifiers/);
  });

  it('A4 ordinary patterns pass', () => {
    expect(() => preflightSchema({ type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+-\\d{3}$' } } })).not.toThrow();
  });

  it('A4 a long required key is not tested against patternProperties (assumed to match)', () => {
    expect(() => preflightSchema({ type: 'object', additionalProperties: false, required: ['a'.repeat(40)], patternProperties: { '^a+$': {} } })).not.toThrow();
  });
});
