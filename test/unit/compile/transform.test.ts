import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { GENERATED_FILENAME, compileWorkflow } from '../../../src/compile/index.js';
import { WfValidationError } from '../../../src/errors.js';
import { META, compileErrors, runCompiled } from './helpers.js';

describe('F4 the generated code', () => {
  test('F4 defines globalThis.__workflow__, an async function of no parameters, when run as a classic script', async () => {
    const compiled = await compileWorkflow(`${META}\nreturn args;`, 'w.js');
    const context = vm.createContext({ args: 7 });
    new vm.Script(compiled.code, { filename: GENERATED_FILENAME }).runInContext(context);
    const workflow = (context as Record<string, unknown>).__workflow__ as (...a: unknown[]) => Promise<unknown>;
    expect(typeof workflow).toBe('function');
    expect(workflow.constructor.name).toBe('AsyncFunction');
    expect(workflow.length).toBe(0);
    // It defines nothing else.
    expect(Object.keys(context).sort()).toEqual(['__workflow__', 'args']);
    expect(await workflow()).toBe(7);
  });

  test('F14 (wrapper part) top-level await and top-level return give the result (F4)', async () => {
    const compiled = await compileWorkflow(`${META}\nconst a = await Promise.resolve(args);\nif (a) return { got: a };\nreturn "never";`, 'w.js');
    expect(await runCompiled(compiled, 'done: one')).toEqual({ got: 'done: one' });
    expect(await runCompiled(await compileWorkflow(`${META}\nreturn await Promise.resolve(41) + 1`, 'w.js'))).toBe(42);
  });

  test('F15 (wrapper part) no return resolves undefined, which the sandbox turns into null', async () => {
    expect(await runCompiled(await compileWorkflow(`${META}\nconst x = 1;`, 'w.js'))).toBeUndefined();
  });

  test('F4 a user `const args` does not clash with the wrapper; the body reads the global args', async () => {
    const compiled = await compileWorkflow(`${META}\nconst input = args;\n{ const args = 2; return [input, args]; }`, 'w.js');
    expect(await runCompiled(compiled, 1)).toEqual([1, 2]);
    const shadow = await compileWorkflow(`${META}\nconst args = "mine";\nreturn args;`, 'w.js');
    expect(await runCompiled(shadow, 1)).toBe('mine');
  });

  test('F4 the body runs in strict mode', async () => {
    const compiled = await compileWorkflow(`${META}\nundeclared = 1;`, 'w.js');
    await expect(runCompiled(compiled)).rejects.toThrow(/undeclared is not defined/);
  });

  test('F16 (wrapper part) closures, Map, object rest, Set spread and JSON round trips run unchanged', async () => {
    const source = `${META}
const counter = (() => { let n = 0; return () => ++n; })();
counter();
const counts = new Map();
for (const w of ["a", "b", "a"]) counts.set(w, (counts.get(w) ?? 0) + 1);
const { a, ...rest } = { a: 1, b: 2, c: 3 };
return JSON.parse(JSON.stringify({ a, rest, x: counts.get("a") + counter() - 2, set: [...new Set([1, 1, 2])] }));`;
    expect(await runCompiled(await compileWorkflow(source, 'w.js'))).toEqual({ a: 1, rest: { b: 2, c: 3 }, x: 2, set: [1, 2] });
  });

  test('F23 Date.now(), Math.random() and new Date() mentioned in strings and comments compile unchanged', async () => {
    const source = `${META}\n// Date.now() and Math.random() in a comment\nreturn await agent("explain Date.now(), Math.random() and new Date()");`;
    const compiled = await compileWorkflow(source, 'w.js');
    expect(compiled.code).toContain('"explain Date.now(), Math.random() and new Date()"');
    expect(await runCompiled(compiled, undefined, { agent: async (p: string) => p })).toBe('explain Date.now(), Math.random() and new Date()');
  });

  test('F25 the body starts after meta with or without a semicolon and blank lines', async () => {
    const meta = 'export const meta = { name: "w", description: "d" }';
    for (const source of [`${meta};\nreturn 1`, `${meta}\nreturn 1`, `${meta}\n\n\n;\n  return 1`, `${meta}; return 1`, `${meta}\nphase("Body"); return 1`]) {
      const compiled = await compileWorkflow(source, 'w.js');
      expect(await runCompiled(compiled)).toBe(1);
    }
    expect((await compileWorkflow(`${meta}\nphase("Body")\nreturn 1`, 'w.js')).phaseTitles).toEqual(['Body']);
  });

  test('F1 a hashbang line and CRLF line endings are fine', async () => {
    const compiled = await compileWorkflow(`#!/usr/bin/env wf\r\n${META}\r\nreturn 3`, 'w.js');
    expect(await runCompiled(compiled)).toBe(3);
  });
});

describe('F13/F18 TypeScript', () => {
  test('F18 TypeScript syntax in a .js file is a SyntaxError with line:col', async () => {
    expect(await compileErrors(`${META}\nconst x: number = 1`)).toEqual(['w.js:2:8: SyntaxError: Unexpected token']);
    expect(await compileErrors(`${META}\ninterface Foo {a: string}`)).toEqual(["w.js:2:1: SyntaxError: The keyword 'interface' is reserved"]);
    expect(await compileErrors(`${META}\nfunction id<T>(x: T): T { return x }`)).toEqual(['w.js:2:12: SyntaxError: Unexpected token']);
    expect(await compileErrors(`${META}\nreturn (1 as number)`, 'w.mjs')).toEqual(['w.mjs:2:11: SyntaxError: Unexpected token']);
  });

  test('F18 a TypeScript-looking syntax error in .js carries a hint to rename the file', async () => {
    const error = await compileWorkflow(`${META}\nconst x: number = 1`, 'w.js').catch((e: unknown) => e as WfValidationError);
    expect(error).toBeInstanceOf(WfValidationError);
    expect((error as WfValidationError).hint).toBe('a .js workflow must be plain JavaScript; rename it to .ts to use TypeScript syntax');
  });

  test('§1 .ts: types are stripped without type checking; `as const` and `satisfies` on meta are fine', async () => {
    const source = [
      'export const meta = { name: "w", description: "d" } as const;',
      'interface Finding { file: string; line: number }',
      'type Pair<T> = [T, T];',
      'function pair<T>(x: T): Pair<T> { return [x, x]; }',
      'const wrong: number = "not checked" as unknown as number;',
      'const found: Finding[] = [{ file: "a", line: 1 }];',
      'return { p: pair<string>(args as string), wrong, n: found.length };',
    ].join('\n');
    const compiled = await compileWorkflow(source, 'w.ts');
    expect(compiled.meta).toEqual({ name: 'w', description: 'd' });
    expect(await runCompiled(compiled, 'x')).toEqual({ p: ['x', 'x'], wrong: 'not checked', n: 1 });
    const satisfies = await compileWorkflow('export const meta = { name: "w", description: "d" } satisfies Record<string, string>\nreturn 1', 'w.ts');
    expect(await runCompiled(satisfies)).toBe(1);
    const annotated = await compileWorkflow('export const meta: { name: string; description: string } = { name: "w", description: "d" };\nreturn 2', 'w.ts');
    expect(await runCompiled(annotated)).toBe(2);
  });

  test('F17 .ts: an import, import(), require() and import.meta are rejected with line:col', async () => {
    expect(await compileErrors(`${META}\nimport fs from "node:fs";\nimport type { X } from "./x";`, 'w.ts')).toEqual([
      'w.ts:2:1: import declarations are not allowed in workflow scripts',
      'w.ts:3:1: import declarations are not allowed in workflow scripts',
    ]);
    expect(await compileErrors(`${META}\nconst n: string = "fs";\nconst a = require(n);\nawait import("x");\nconst u: string = import.meta.url;`, 'w.ts')).toEqual([
      'w.ts:3:11: require() is not allowed in workflow scripts',
      'w.ts:4:7: import() is not allowed in workflow scripts',
      'w.ts:5:19: import.meta is not allowed in workflow scripts',
    ]);
    expect(await compileErrors(`${META}\nexport type T = string;\nexport const x = 1;`, 'w.ts')).toEqual([
      'w.ts:2:1: only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)',
      'w.ts:3:1: only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)',
    ]);
  });

  test('F18 .ts: a syntax error is reported at the user line:col, also on line 1 and with non-ASCII text before it', async () => {
    expect(await compileErrors(`${META}\nconst x: number = ;`, 'w.ts')).toEqual(['w.ts:2:19: SyntaxError: Unexpected ";"']);
    expect(await compileErrors(`${META} const = 1;`, 'w.ts')).toEqual(['w.ts:1:60: SyntaxError: Expected identifier but found "="']);
    expect(await compileErrors(`${META}\nconst é = "ü"; const = 3`, 'w.ts')).toEqual(['w.ts:2:22: SyntaxError: Expected identifier but found "="']);
    expect(await compileErrors(`${META}\nif (x) {\n  return 1;`, 'w.ts')).toEqual(['w.ts:3:12: SyntaxError: Unexpected end of file']);
  });

  test('F17 .ts: an import the token scan cannot reach is still reported at the keyword, not as esbuild\'s "Unexpected"', async () => {
    // acorn's tokenizer stops at the decorator; esbuild reports `Unexpected "x"`, which is explained.
    expect(await compileErrors(`${META}\nconst f = (x: any) => x;\n@f class A {}\nimport x from "y";`, 'w.ts')).toEqual([
      'w.ts:4:1: import declarations are not allowed in workflow scripts',
    ]);
    expect(await compileErrors(`${META}\nconst n = y! / 2 / 3;\nimport x from "y";`, 'w.ts')).toEqual([
      'w.ts:3:1: import declarations are not allowed in workflow scripts',
    ]);
  });

  test('F1 .ts: meta must be first and pure as well', async () => {
    expect(await compileErrors(`const x: number = 1;\n${META}`, 'w.ts')).toEqual([
      'w.ts:1:1: meta must be the FIRST statement: expected `export const meta = {...}`, found `const`',
    ]);
    expect(await compileErrors('export let meta = { name: "w", description: "d" };\nreturn 1', 'w.ts')).toEqual([
      'w.ts:1:8: meta must be declared with `export const`, not `export let`',
    ]);
    expect(await compileErrors('export { meta };\nconst meta = { name: "w", description: "d" };', 'w.ts')).toEqual([
      'w.ts:1:1: meta must be declared as `export const meta = {...}`, not exported with `export { ... }`',
    ]);
    expect(await compileErrors('export const meta = { name: n, description: "d" } as const;\nreturn 1', 'w.ts')).toEqual([
      'w.ts:1:29: meta must be a pure literal: meta.name is an Identifier (n)',
    ]);
  });
});
