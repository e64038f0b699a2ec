import { describe, expect, it } from 'vitest';
import { canonicalJson, validatorFor, WfSchemaError } from '../../../src/schema/index.js';

const FILES = { type: 'object', required: ['files'], properties: { files: { type: 'array', items: { type: 'string' } } } };

describe('validatorFor', () => {
  it('A02 accepts a value that matches the schema', () => {
    expect(validatorFor(FILES)({ files: ['a.ts', 'b.ts'] })).toEqual({ ok: true });
  });

  it('A04 names the instance path in its errors', () => {
    expect(validatorFor(FILES)({ files: 42 })).toEqual({ ok: false, errors: '/files must be array' });
    expect(validatorFor(FILES)({ files: ['ok', 3] })).toEqual({ ok: false, errors: '/files/1 must be string' });
  });

  it('reports every error (allErrors), with the detail a model needs to fix its output', () => {
    const schema = {
      type: 'object',
      required: ['verdict', 'score'],
      additionalProperties: false,
      properties: { verdict: { enum: ['pass', 'fail'] }, score: { type: 'integer' }, kind: { const: 'review' } },
    };
    const result = validatorFor(schema)({ verdict: 'maybe', extra: true, kind: 'x' });
    expect(result.ok).toBe(false);
    const errors = (result as { errors: string }).errors;
    expect(errors).toContain("(root) must have required property 'score'");
    expect(errors).toContain("(root) must NOT have additional properties ('extra')");
    expect(errors).toContain('/verdict must be equal to one of the allowed values: "pass", "fail"');
    expect(errors).toContain('/kind must be equal to constant "review"');
    expect(validatorFor(schema)('text')).toEqual({ ok: false, errors: '(root) must be object' });
  });

  it('caps a long error list', () => {
    const properties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, { type: 'string' }]));
    const result = validatorFor({ type: 'object', properties, required: Object.keys(properties) })({});
    expect((result as { errors: string }).errors).toMatch(/; \(and 10 more\)$/);
  });

  it('caches compiled validators by canonical JSON (key order does not matter)', () => {
    const a = validatorFor({ type: 'object', properties: { x: { type: 'string', minLength: 1 } } });
    const b = validatorFor({ properties: { x: { minLength: 1, type: 'string' } }, type: 'object' });
    expect(b).toBe(a);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('a mutated schema object gets a new validator, not the stale one', () => {
    const schema: Record<string, unknown> = { type: 'object', required: ['a'] };
    expect(validatorFor(schema)({}).ok).toBe(false);
    schema.required = [];
    expect(validatorFor(schema)({}).ok).toBe(true);
  });

  it('validates the common formats and ignores unknown ones', () => {
    const schema = (format: string) => ({ type: 'object', properties: { v: { type: 'string', format } } });
    expect(validatorFor(schema('date-time'))({ v: '2024-05-01T10:00:00Z' }).ok).toBe(true);
    expect(validatorFor(schema('date-time'))({ v: 'yesterday' })).toEqual({ ok: false, errors: '/v must match format "date-time"' });
    expect(validatorFor(schema('email'))({ v: 'a@b.co' }).ok).toBe(true);
    expect(validatorFor(schema('email'))({ v: 'nope' }).ok).toBe(false);
    expect(validatorFor(schema('uri'))({ v: 'https://x.dev/a?b' }).ok).toBe(true);
    expect(validatorFor(schema('uri'))({ v: 'not a uri' }).ok).toBe(false);
    expect(validatorFor(schema('color-ish'))({ v: 'anything' }).ok).toBe(true);
  });

  it('supports 2020-12 (prefixItems) without $schema and draft-07 tuples', () => {
    const modern = validatorFor({ type: 'object', properties: { t: { type: 'array', prefixItems: [{ type: 'string' }], items: false } } });
    expect(modern({ t: ['a'] }).ok).toBe(true);
    expect(modern({ t: [1] }).ok).toBe(false);
    expect(modern({ t: ['a', 'b'] }).ok).toBe(false);
    const draft7 = validatorFor({ type: 'object', properties: { t: { type: 'array', items: [{ type: 'string' }], additionalItems: false } } });
    expect(draft7({ t: ['a'] }).ok).toBe(true);
    expect(draft7({ t: ['a', 'b'] }).ok).toBe(false);
    const declared = validatorFor({ $schema: 'http://json-schema.org/draft-06/schema#', type: 'object', required: ['a'] });
    expect(declared({}).ok).toBe(false);
    const v2019 = validatorFor({ $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'object', required: ['a'] });
    expect(v2019({ a: 1 }).ok).toBe(true);
  });

  it('resolves local refs, including recursion through "#"', () => {
    const tree = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kids: { type: 'array', items: { $ref: '#' } } } };
    expect(validatorFor(tree)({ name: 'a', kids: [{ name: 'b', kids: [] }] }).ok).toBe(true);
    expect(validatorFor(tree)({ name: 'a', kids: [{ kids: [] }] })).toEqual({ ok: false, errors: "/kids/0 must have required property 'name'" });
  });

  it('two different schemas may reuse one $id', () => {
    const first = validatorFor({ $id: 'https://example.com/s', type: 'object', required: ['a'] });
    const second = validatorFor({ $id: 'https://example.com/s', type: 'object', required: ['b'] });
    expect(first({ a: 1 }).ok).toBe(true);
    expect(second({ a: 1 }).ok).toBe(false);
  });

  it('throws WfSchemaError for a schema ajv cannot use', () => {
    expect(() => validatorFor('object')).toThrow(WfSchemaError);
    expect(() => validatorFor({ type: 'object', properties: { a: { $ref: '#/$defs/nope' } } })).toThrow(/can't resolve reference/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => validatorFor(cyclic)).toThrow(/not JSON-representable/);
  });
});
