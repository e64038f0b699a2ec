import { describe, expect, it } from 'vitest';
import { stripNullOptionals, toStrictSchema } from '../../../../src/dispatch/cli/strict-schema.js';
import { validatorFor } from '../../../../src/schema/index.js';

/** Checks the OpenAI strict-mode rules on every object node of a converted schema. */
function assertStrict(node: unknown, path = '#'): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) return node.forEach((item, index) => assertStrict(item, `${path}/${index}`));
  const schema = node as Record<string, unknown>;
  for (const banned of ['oneOf', 'allOf', 'not', 'if', 'then', 'else', 'patternProperties', 'minLength', 'maxLength', 'uniqueItems', 'default', '$schema']) {
    expect(schema, `${path} has ${banned}`).not.toHaveProperty(banned);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object')) {
    expect(schema.additionalProperties, `${path}.additionalProperties`).toBe(false);
    expect([...(schema.required as string[])].sort(), `${path}.required`).toEqual(Object.keys(schema.properties as object).sort());
  }
  for (const value of Object.values(schema)) assertStrict(value, path);
}

const review = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['verdict', 'issues'],
  properties: {
    verdict: { enum: ['approve', 'reject'] },
    issues: {
      type: 'array',
      uniqueItems: true,
      items: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', minLength: 1 }, line: { type: 'integer', minimum: 1 }, severity: { enum: ['low', 'high'] } },
      },
    },
    summary: { type: 'string', maxLength: 500, default: '' },
    meta: { $ref: '#/$defs/meta' },
    maybe: { type: ['string', 'null'] },
  },
  $defs: { meta: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } } },
};

describe('toStrictSchema', () => {
  it('closes every object, requires every property, makes optional ones nullable, drops refused keywords', () => {
    const strict = toStrictSchema(review);
    assertStrict(strict);
    const properties = strict.properties as Record<string, Record<string, unknown>>;
    expect(properties.verdict).toEqual({ type: 'string', enum: ['approve', 'reject'] }); // required: not nullable
    expect(properties.summary).toEqual({ type: ['string', 'null'] });
    expect(properties.meta).toEqual({ anyOf: [{ $ref: '#/$defs/meta' }, { type: 'null' }] });
    expect(properties.maybe).toEqual({ type: ['string', 'null'] }); // already nullable: unchanged
    const item = (properties.issues!.items as Record<string, unknown>).properties as Record<string, unknown>;
    expect(item).toEqual({
      file: { type: 'string' },
      line: { type: ['integer', 'null'], minimum: 1 },
      severity: { type: ['string', 'null'], enum: ['low', 'high', null] },
    });
    expect((strict.$defs as Record<string, unknown>).meta).toEqual({
      type: 'object',
      properties: { tags: { type: ['array', 'null'], items: { type: 'string' } } },
      required: ['tags'],
      additionalProperties: false,
    });
    expect(review.properties.summary).toEqual({ type: 'string', maxLength: 500, default: '' }); // input untouched
  });

  it('oneOf becomes anyOf, allOf is merged, open objects are closed, untyped schemas get a type', () => {
    const strict = toStrictSchema({
      type: 'object',
      allOf: [{ properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'number' } } }],
      properties: {
        shape: { oneOf: [{ type: 'object', properties: { r: { type: 'number' } }, required: ['r'] }, { type: 'string' }] },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        anything: {},
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
      },
      required: ['shape', 'map', 'anything', 'pair'],
    });
    assertStrict(strict);
    const properties = strict.properties as Record<string, unknown>;
    expect(Object.keys(properties).sort()).toEqual(['a', 'anything', 'b', 'map', 'pair', 'shape']);
    expect(properties.a).toEqual({ type: 'string' });
    expect(properties.b).toEqual({ type: ['number', 'null'] });
    expect(properties.shape).toEqual({ anyOf: [{ type: 'object', properties: { r: { type: 'number' } }, required: ['r'], additionalProperties: false }, { type: 'string' }] });
    expect(properties.map).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
    expect(properties.anything).toEqual({ type: ['string', 'number', 'boolean', 'null'] });
    expect(properties.pair).toEqual({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } });
  });

  it('keeps the formats and numeric bounds strict mode supports, drops other formats', () => {
    const strict = toStrictSchema({
      type: 'object',
      required: ['when', 'site', 'n', 'list'],
      properties: { when: { type: 'string', format: 'date-time' }, site: { type: 'string', format: 'uri' }, n: { type: 'number', maximum: 5, multipleOf: 0.5 }, list: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 } },
    });
    expect(strict.properties).toEqual({
      when: { type: 'string', format: 'date-time' },
      site: { type: 'string' },
      n: { type: 'number', maximum: 5, multipleOf: 0.5 },
      list: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
    });
  });
});

describe('stripNullOptionals', () => {
  it('removes the nulls written for absent optional fields, at any depth, and the result validates against the original', () => {
    const reply = {
      verdict: 'approve',
      issues: [{ file: 'a.ts', line: null, severity: null }, { file: 'b.ts', line: 3, severity: 'high' }],
      summary: null,
      meta: { tags: null },
      maybe: null,
    };
    const stripped = stripNullOptionals(reply, review);
    expect(stripped).toEqual({
      verdict: 'approve',
      issues: [{ file: 'a.ts' }, { file: 'b.ts', line: 3, severity: 'high' }],
      meta: {},
      maybe: null, // the original schema admits null here: a real answer, kept
    });
    expect(validatorFor(review)(stripped)).toEqual({ ok: true });
    expect(validatorFor(review)(reply).ok).toBe(false);
  });

  it('keeps nulls of required fields (the engine then reports them) and leaves non-objects alone', () => {
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
    expect(stripNullOptionals({ a: null }, schema)).toEqual({ a: null });
    expect(stripNullOptionals('text', schema)).toBe('text');
    expect(stripNullOptionals(null, schema)).toBeNull();
  });

  it('follows anyOf to the branch that fits the value, and round-trips through toStrictSchema', () => {
    const schema = {
      type: 'object',
      required: ['shape'],
      properties: {
        shape: {
          anyOf: [
            { type: 'object', required: ['r'], properties: { r: { type: 'number' }, label: { type: 'string' } } },
            { type: 'object', required: ['w', 'h'], properties: { w: { type: 'number' }, h: { type: 'number' }, label: { type: 'string' } } },
          ],
        },
      },
    };
    const strict = toStrictSchema(schema);
    const fromModel = { shape: { w: 2, h: 3, label: null } };
    expect(validatorFor(strict)(fromModel)).toEqual({ ok: true });
    const stripped = stripNullOptionals(fromModel, schema);
    expect(stripped).toEqual({ shape: { w: 2, h: 3 } });
    expect(validatorFor(schema)(stripped)).toEqual({ ok: true });
  });
});
