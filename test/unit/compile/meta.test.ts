import { describe, expect, test } from 'vitest';
import { readMeta } from '../../../src/compile/index.js';
import { WfValidationError } from '../../../src/errors.js';
import { compileErrors, metaErrors } from './helpers.js';

const M = 'export const meta = ';

describe('F1 meta is the first statement', () => {
  test('F02 a statement before meta is rejected: meta must be the FIRST statement', () => {
    expect(metaErrors(`const x = 1\n${M}{ name: "w", description: "d" }`)).toEqual([
      'w.js:1:1: meta must be the FIRST statement: expected `export const meta = {...}`, found `const`',
    ]);
  });

  test('F02 an import before meta is rejected: meta must be the FIRST statement (and the import too)', async () => {
    const source = `import x from "x"\n${M}{ name: "w", description: "d" }\nreturn 1`;
    expect(metaErrors(source)).toEqual([
      'w.js:1:1: meta must be the FIRST statement: expected `export const meta = {...}`, found `import`',
    ]);
    const errors = await compileErrors(source);
    expect(errors[0]).toBe('w.js:1:1: meta must be the FIRST statement: expected `export const meta = {...}`, found `import`');
    expect(errors).toContain('w.js:1:1: import declarations are not allowed in workflow scripts');
  });

  test('F1 a file without meta is rejected, naming the FIRST statement rule', () => {
    expect(metaErrors('// only a comment\n')).toEqual([
      'w.js:2:1: meta must be the FIRST statement, but the file has no `export const meta = {...}`',
    ]);
    expect(metaErrors(`export const other = 1;\n${M}{ name: "w", description: "d" }`)).toEqual([
      'w.js:1:1: meta must be the FIRST statement: expected `export const meta = {...}`, found `export const other`',
    ]);
  });

  test('F03 comments before meta, and comments and trailing commas inside it, are accepted', () => {
    const source = [
      '#!/usr/bin/env wf',
      '// A review workflow.',
      '/* block',
      '   comment */',
      `${M}{`,
      '  // the name',
      '  name: "w", /* inline */',
      '  description: "d",',
      '  phases: [{ title: "A", }, ],',
      '};',
      'return 1',
    ].join('\n');
    expect(readMeta(source, 'w.js')).toEqual({ meta: { name: 'w', description: 'd', phases: [{ title: 'A' }] }, warnings: [] });
  });

  test('F13 export let, export { meta }, a call, and a type annotation in .js are rejected', () => {
    expect(metaErrors('export let meta = { name: "w", description: "d" }')).toEqual([
      'w.js:1:8: meta must be declared with `export const`, not `export let`',
    ]);
    expect(metaErrors('export { meta }\nconst meta = { name: "w", description: "d" }')).toEqual([
      'w.js:1:1: meta must be declared as `export const meta = {...}`, not exported with `export { ... }`',
    ]);
    expect(metaErrors(`${M}makeMeta()`)).toEqual(['w.js:1:21: meta must be a pure object literal; found a CallExpression']);
    expect(metaErrors('export const meta: any = { name: "w", description: "d" }')).toEqual([
      'w.js:1:18: `export const meta: Type` is TypeScript syntax; meta in a .js workflow must be plain JavaScript',
    ]);
  });

  test('F13 the same four are rejected by compile, each once', async () => {
    expect(await compileErrors('export let meta = { name: "w", description: "d" }\nreturn 1')).toEqual([
      'w.js:1:8: meta must be declared with `export const`, not `export let`',
    ]);
    expect(await compileErrors('export const meta: any = { name: "w", description: "d" }\nreturn 1')).toEqual([
      'w.js:1:18: `export const meta: Type` is TypeScript syntax; meta in a .js workflow must be plain JavaScript',
    ]);
    expect(await compileErrors(`${M}{ name: "w", description: "d" } as const\nreturn 1`)).toEqual([
      'w.js:1:53: `as const` after meta is TypeScript syntax; meta in a .js workflow must be plain JavaScript',
    ]);
  });
});

describe('F2 meta is a pure literal', () => {
  test('F2 strings, numbers (incl. negative), booleans, null, plain templates, nested arrays and objects are accepted', () => {
    const source = `${M}{ name: 'w', description: \`d\`, n: -1.5, z: 0, t: true, f: false, x: null, list: [1, "a", [], {}], o: { deep: { k: [-2] } }, 'quoted key': 1, 7: "seven" }`;
    expect(readMeta(source, 'w.js').meta).toEqual({
      name: 'w',
      description: 'd',
      n: -1.5,
      z: 0,
      t: true,
      f: false,
      x: null,
      list: [1, 'a', [], {}],
      o: { deep: { k: [-2] } },
      'quoted key': 1,
      7: 'seven',
    });
  });

  test('F04 an identifier value is rejected as not a pure literal, naming Identifier', () => {
    expect(metaErrors(`${M}{ name: someName, description: "d" }`)).toEqual([
      'w.js:1:29: meta must be a pure literal: meta.name is an Identifier (someName)',
    ]);
  });

  test('F05 calls are rejected, naming CallExpression', () => {
    expect(metaErrors(`${M}{ name: String("a"), description: "d", phases: makePhases() }`)).toEqual([
      'w.js:1:29: meta must be a pure literal: meta.name is a CallExpression',
      'w.js:1:68: meta must be a pure literal: meta.phases is a CallExpression',
    ]);
  });

  test('F06 a spread is rejected, naming SpreadElement', () => {
    expect(metaErrors(`${M}{ ...{ name: "a" }, description: "b" }`)).toEqual([
      'w.js:1:23: meta must be a pure literal: meta{...} is a SpreadElement',
    ]);
    expect(metaErrors(`${M}{ name: "a", description: "b", tags: [...x] }`)).toEqual([
      'w.js:1:59: meta must be a pure literal: meta.tags[0] is a SpreadElement',
    ]);
  });

  test('F07 a template with interpolation is rejected; a plain template is the string', () => {
    expect(metaErrors(`${M}{ name: \`a\${1}\`, description: "b" }`)).toEqual([
      'w.js:1:29: meta must be a pure literal: meta.name is a TemplateLiteral with ${} interpolation',
    ]);
    expect(readMeta(`${M}{ name: \`plain\`, description: "b" }`, 'plain.js').meta.name).toBe('plain');
  });

  test('F08 string concatenation is rejected, naming BinaryExpression', () => {
    expect(metaErrors(`${M}{ name: "w", description: "d" + "" }`)).toEqual([
      'w.js:1:47: meta must be a pure literal: meta.description is a BinaryExpression',
    ]);
    expect(metaErrors(`${M}{ name: "one" + " two", description: "d" }`)).toEqual([
      'w.js:1:29: meta must be a pure literal: meta.name is a BinaryExpression',
    ]);
  });

  test('F09 a computed key, a getter, a method, a sparse array and unary plus are each rejected; -1 is accepted', () => {
    const base = 'name: "w", description: "d"';
    expect(metaErrors(`${M}{ ${base}, ["k"]: 1 }`)).toEqual(['w.js:1:52: meta must be a pure literal: meta["k"] is a computed key']);
    expect(metaErrors(`${M}{ ${base}, get g() { return 1 } }`)).toEqual(['w.js:1:52: meta must be a pure literal: meta.g is a getter']);
    expect(metaErrors(`${M}{ ${base}, m() { return 1 } }`)).toEqual(['w.js:1:52: meta must be a pure literal: meta.m is a method']);
    expect(metaErrors(`${M}{ ${base}, a: [1,,2] }`)).toEqual(['w.js:1:55: meta must be a pure literal: meta.a[1] is a hole in a sparse array']);
    expect(metaErrors(`${M}{ ${base}, v: +1 }`)).toEqual([
      'w.js:1:55: meta must be a pure literal: meta.v is a UnaryExpression (`+`); only a negative number is allowed',
    ]);
    expect(metaErrors(`${M}{ ${base}, v: -x }`)).toEqual([
      'w.js:1:55: meta must be a pure literal: meta.v is a UnaryExpression (`-`); only a negative number is allowed',
    ]);
    expect(readMeta(`${M}{ ${base}, value: -1 }`, 'w.js').meta.value).toBe(-1);
  });

  test('F10 the keys __proto__, constructor and prototype are rejected as reserved keys', () => {
    const base = 'name: "w", description: "d"';
    expect(metaErrors(`${M}{ ${base}, __proto__: {} }`)).toEqual(['w.js:1:52: meta must be a pure literal: meta.__proto__ uses a reserved key (__proto__)']);
    expect(metaErrors(`${M}{ ${base}, "constructor": 1 }`)).toEqual(['w.js:1:52: meta must be a pure literal: meta.constructor uses a reserved key (constructor)']);
    expect(metaErrors(`${M}{ ${base}, o: { prototype: 1 } }`)).toEqual(['w.js:1:57: meta must be a pure literal: meta.o.prototype uses a reserved key (prototype)']);
  });

  test('F2 every offending node is reported, not only the first', () => {
    expect(metaErrors(`${M}{ name: a, description: b(), x: [...c] }`)).toHaveLength(3);
  });

  test('F21 decoys in comments and strings are ignored; a brace and an apostrophe in a comment do not derail; a regex is named', () => {
    const source = [
      "// export const meta = { name: 'decoy' }",
      '/* export const meta = { */',
      `${M}{`,
      "  // it's a { brace",
      '  name: "w",',
      '  description: "export const meta = { name: \\"inner\\" }",',
      '};',
      'const re = /}/; // a regex in the body with a brace',
      'return 1',
    ].join('\n');
    expect(readMeta(source, 'w.js').meta).toEqual({ name: 'w', description: 'export const meta = { name: "inner" }' });
    expect(metaErrors(`${M}{ name: "w", description: "d", pattern: /[}{]/g }`)).toEqual([
      'w.js:1:61: meta must be a pure literal: meta.pattern is a RegExp literal (Literal)',
    ]);
  });
});

describe('F3 meta fields', () => {
  test('F01 all fields are accepted with no warning', () => {
    const source = `${M}{name:"full", description:"all fields", whenToUse:"when testing", phases:[{title:"Scan", detail:"scan it", model:"openai/gpt-5"}]}\nphase("Scan"); return 1`;
    expect(readMeta(source, '/x/full.js')).toEqual({
      meta: {
        name: 'full',
        description: 'all fields',
        whenToUse: 'when testing',
        phases: [{ title: 'Scan', detail: 'scan it', model: 'openai/gpt-5' }],
      },
      warnings: [],
    });
  });

  test('F11 a missing or empty name or description is rejected: "meta.name is required"', () => {
    expect(metaErrors(`${M}{ description: "d" }`)).toEqual(['w.js:1:21: meta.name is required and must be a non-empty string']);
    expect(metaErrors(`${M}{ name: "", description: "d" }`)).toEqual(['w.js:1:23: meta.name is required and must be a non-empty string']);
    expect(metaErrors(`${M}{ name: "w" }`)).toEqual(['w.js:1:21: meta.description is required and must be a non-empty string']);
    expect(metaErrors(`${M}{ name: "w", description: "  " }`)).toEqual([
      'w.js:1:34: meta.description is required and must be a non-empty string',
    ]);
    expect(metaErrors(`${M}{ name: 1, description: null }`)).toEqual([
      'w.js:1:23: meta.name is required and must be a non-empty string',
      'w.js:1:32: meta.description is required and must be a non-empty string',
    ]);
  });

  test('F12 invalid phases entries are errors naming the index (decision: not dropped); a non-array phases is an error', () => {
    const source = [
      `${M}{ name: "w", description: "d", phases: [`,
      '  null,',
      '  {title:123},',
      '  {detail:"x"},',
      '  {title:"Good", detail:42, model:false},',
      '  {title:"Also Good", detail:"d", model:"m"},',
      '] }',
    ].join('\n');
    expect(metaErrors(source)).toEqual([
      'w.js:2:3: meta.phases[0] must be an object { title, detail?, model? }, found null',
      'w.js:3:4: meta.phases[1].title is required and must be a non-empty string',
      'w.js:4:3: meta.phases[2].title is required and must be a non-empty string',
      'w.js:5:18: meta.phases[3].detail must be a string',
      'w.js:5:29: meta.phases[3].model must be a string',
    ]);
    expect(metaErrors(`${M}{ name: "w", description: "d", phases: "not an array" }`)).toEqual([
      'w.js:1:52: meta.phases must be an array of { title, detail?, model? }',
    ]);
  });

  test('F3 whenToUse must be a string; unknown keys are kept', () => {
    expect(metaErrors(`${M}{ name: "w", description: "d", whenToUse: 3 }`)).toEqual(['w.js:1:52: meta.whenToUse must be a string']);
    expect(readMeta(`${M}{ name: "w", description: "d", future: { x: [1] } }`, 'w.js').meta.future).toEqual({ x: [1] });
  });

  test('F3 args is a JSON Schema: a valid one is kept, an invalid one is an error', () => {
    const schema = '{ type: "object", properties: { q: { type: "string", format: "uri" } }, required: ["q"] }';
    expect(readMeta(`${M}{ name: "w", description: "d", args: ${schema} }`, 'w.js').meta.args).toEqual({
      type: 'object',
      properties: { q: { type: 'string', format: 'uri' } },
      required: ['q'],
    });
    const [bad] = metaErrors(`${M}{ name: "w", description: "d", args: { type: "strnig" } }`);
    expect(bad).toMatch(/^w\.js:1:52: meta\.args is not a valid JSON Schema: schema is invalid: data\/type must be/);
    expect(metaErrors(`${M}{ name: "w", description: "d", args: [1] }`)).toEqual(['w.js:1:52: meta.args must be a JSON Schema object']);
    // Two files may declare the same $id.
    expect(readMeta(`${M}{ name: "w", description: "d", args: { $id: "a", type: "object" } }`, 'w.js').meta.args).toBeDefined();
    expect(readMeta(`${M}{ name: "w", description: "d", args: { $id: "a", type: "string" } }`, 'w.js').meta.args).toBeDefined();
  });

  test('F24 a name different from the file stem is a warning that says so (not an error)', () => {
    const { meta, warnings } = readMeta(`${M}{ name: "a-different-name", description: "d" }`, '/wf/stem-mismatch.js');
    expect(meta.name).toBe('a-different-name');
    expect(warnings).toEqual([
      {
        severity: 'warning',
        message: 'meta.name "a-different-name" differs from the file stem "stem-mismatch"',
        location: { file: '/wf/stem-mismatch.js', line: 1, column: 29 },
        hint: 'rename the file to a-different-name.js or set meta.name to "stem-mismatch"',
      },
    ]);
    expect(readMeta(`${M}{ name: "inline", description: "d" }`, '<inline>').warnings).toEqual([]);
  });
});

describe('readMeta is static', () => {
  test('D08 valid meta with a broken body is read; the body fails only when compiled', async () => {
    const source = `${M}{ name: "w", description: "d" };\nconst = 3;\n}}}`;
    expect(readMeta(source, 'w.js').meta).toEqual({ name: 'w', description: 'd' });
    expect(await compileErrors(source)).toEqual(['w.js:2:7: SyntaxError: Unexpected token']);
  });

  test('D08 non-literal meta (name: n, description: "d" + "") is not read', () => {
    expect(() => readMeta(`${M}{ name: n, description: "d" }`, 'w.js')).toThrow(WfValidationError);
    expect(() => readMeta(`${M}{ name: "w", description: "d" + "" }`, 'w.js')).toThrow(/pure literal/);
  });

  test('F1 .ts meta may carry a type annotation, `as const` or `satisfies`, even before a body only TypeScript can parse', () => {
    const body = '\nconst x: number = 1;\ninterface Foo { a: string }\nreturn x;';
    expect(readMeta(`${M}{ name: "w", description: "d" } as const;${body}`, 'w.ts').meta).toEqual({ name: 'w', description: 'd' });
    expect(readMeta(`${M}{ name: "w", description: "d" } satisfies WorkflowMeta${body}`, 'w.ts').meta.name).toBe('w');
    expect(readMeta(`export const meta: Record<string, Array<{ a: 1 }>> = { name: "w", description: "d" };${body}`, 'w.ts').meta.name).toBe('w');
  });

  test('F2 a syntax error inside the meta literal is reported at its place', () => {
    expect(metaErrors(`${M}{\n  name: "w",\n  description: "d"\n  phases: []\n}`)).toEqual(['w.js:4:3: SyntaxError: Unexpected token']);
  });

  test('F1 readMeta reads the meta without parsing the body (a broken body does not matter)', () => {
    const body = Array.from({ length: 500 }, (_, i) => `const v${i} = await agent("prompt ${i}");`).join('\n');
    const source = `${M}{ name: "w", description: "d", phases: [{ title: "A" }] };\n${body}\nconst = broken(`;
    expect(readMeta(source, 'w.js').meta).toEqual({ name: 'w', description: 'd', phases: [{ title: 'A' }] });
  });
});
