import { describe, expect, test } from 'vitest';
import { compileWorkflow, scanPhaseTitles } from '../../../src/compile/index.js';
import { formatDiagnostic } from '../../../src/errors.js';
import { META, compileErrors, runCompiled } from './helpers.js';

describe('F5 imports, require and other exports are rejected before anything runs', () => {
  test('F17 a static import is rejected at its line and column', async () => {
    expect(await compileErrors(`${META}\nimport fs from "node:fs";\nreturn 1`)).toEqual([
      'w.js:2:1: import declarations are not allowed in workflow scripts',
    ]);
  });

  test('F17 import() is rejected even after an agent call', async () => {
    expect(await compileErrors(`${META}\nconst a = await agent("x");\nconst fs = await import("node:fs");`)).toEqual([
      'w.js:3:18: import() is not allowed in workflow scripts',
    ]);
  });

  test('F17 require() is rejected, literal or not, at any depth', async () => {
    expect(await compileErrors(`${META}\nconst fs = require("fs");\nfunction f(n) {\n  return require(n);\n}`)).toEqual([
      'w.js:2:12: require() is not allowed in workflow scripts',
      'w.js:4:10: require() is not allowed in workflow scripts',
    ]);
  });

  test('F17 import.meta is rejected', async () => {
    expect(await compileErrors(`${META}\nreturn import.meta.url;`)).toEqual(['w.js:2:8: import.meta is not allowed in workflow scripts']);
  });

  test('F22 a second export besides meta is rejected with a clear message', async () => {
    const message = 'only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)';
    expect(await compileErrors(`${META}\nexport const other = 1;\nreturn 1`)).toEqual([`w.js:2:1: ${message}`]);
    expect(await compileErrors(`${META}\nexport function f() {}\nexport * from "x";`)).toEqual([
      `w.js:2:1: ${message}`,
      `w.js:3:1: ${message}`,
    ]);
  });

  test('F5 every problem is reported with its file:line:col, not only the first', async () => {
    const source = `${META}\nimport a from "a";\nconst b = require("b");\nexport const c = 1;\nawait import("d");\nimport.meta;`;
    expect(await compileErrors(source)).toEqual([
      'w.js:2:1: import declarations are not allowed in workflow scripts',
      'w.js:3:11: require() is not allowed in workflow scripts',
      'w.js:4:1: only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)',
      'w.js:5:7: import() is not allowed in workflow scripts',
      'w.js:6:1: import.meta is not allowed in workflow scripts',
    ]);
  });

  test('F19 a syntax error after an agent call is reported at its file line before anything runs', async () => {
    // Meta is line 1, so body line 2 is file line 3: locations are always the user's file lines.
    expect(await compileErrors(`${META}\nawait agent("x");\nconst = 3`)).toEqual(['w.js:3:7: SyntaxError: Unexpected token']);
  });

  test('F19 an import after an agent call is rejected before anything runs', async () => {
    expect(await compileErrors(`${META}\nawait agent("x");\nimport x from "y";`)).toEqual([
      'w.js:3:1: import declarations are not allowed in workflow scripts',
    ]);
  });
});

describe('F7 module form', () => {
  test('F7 one `export default async function (args)` after meta is accepted and called with args', async () => {
    const compiled = await compileWorkflow(`${META}\nexport default async function main(args) {\n  phase("A");\n  return args + 1;\n}\n`, 'w.js');
    expect(compiled.form).toBe('module');
    expect(compiled.phaseTitles).toEqual(['A']);
    expect(await runCompiled(compiled, 1)).toBe(2);
  });

  test('F7 an anonymous default function, written over several lines, works too', async () => {
    const compiled = await compileWorkflow(`${META}\nexport\n  default\n  async function (input) { return [input, typeof main] }`, 'w.js');
    expect(compiled.form).toBe('module');
    expect(await runCompiled(compiled, 'x')).toEqual(['x', 'undefined']);
  });

  test('F7 mixing the module form with a top-level body is rejected, naming the line', async () => {
    const hint = 'a workflow uses either the module form or a top-level body, not both';
    expect(await compileErrors(`${META}\nconst helper = 1;\nexport default async function (args) { return helper }`)).toEqual([
      `w.js:2:1: ${hint}: line 2 is a top-level statement next to \`export default async function\` (line 3)`,
    ]);
    expect(await compileErrors(`${META}\nexport default async function (args) {}\n\nreturn 1;`)).toEqual([
      `w.js:4:1: ${hint}: line 4 is a top-level statement next to \`export default async function\` (line 2)`,
    ]);
  });

  test('F7 a default export that is not an async function is rejected', async () => {
    const message = 'export default must be an async function: `export default async function [name](args) { ... }`';
    expect(await compileErrors(`${META}\nexport default function (args) {}`)).toEqual([`w.js:2:1: ${message}`]);
    expect(await compileErrors(`${META}\nexport default async (args) => 1`)).toEqual([`w.js:2:1: ${message}`]);
    expect(await compileErrors(`${META}\nexport default async function* (args) {}`)).toEqual([`w.js:2:1: ${message}`]);
  });

  test('F7 other exports stay rejected in module form', async () => {
    expect(await compileErrors(`${META}\nexport const x = 1;\nexport default async function () {}`)).toEqual([
      'w.js:2:1: only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)',
    ]);
  });

  test('F7 module form in .ts: types stripped, duplicates and mixing rejected', async () => {
    const compiled = await compileWorkflow(`${META}\ninterface In { n: number }\nexport default async function (args: In): Promise<number> {\n  return args.n * 3;\n}`, 'w.ts');
    expect(compiled.form).toBe('module');
    expect(await runCompiled(compiled, { n: 2 })).toBe(6);
    expect(await compileErrors(`${META}\nexport default async function () {}\nexport default async function () {}`, 'w.ts')).toEqual([
      'w.ts:3:1: a workflow may have only one `export default async function`',
    ]);
    expect(await compileErrors(`${META}\nconst n: number = 1;\nexport default async function () { return n }`, 'w.ts')).toEqual([
      'w.ts:2:1: a workflow uses either the module form or a top-level body, not both: line 2 is a top-level statement next to `export default async function` (line 3)',
    ]);
    expect(await compileErrors(`${META}\nexport default function () {}`, 'w.ts')).toEqual([
      'w.ts:2:1: export default must be an async function: `export default async function [name](args) { ... }`',
    ]);
  });
});

describe('S12 the wrapper cannot be closed early', () => {
  const escape = '})(); })(); return Math.random(); (async () => { (async () => {';

  test('S12 .js: a body that closes the wrapper is a syntax error', async () => {
    expect(await compileErrors(`${META}\n${escape}`)).toEqual(['w.js:2:1: SyntaxError: Unexpected token']);
    expect(await compileErrors(`${META}\n}; globalThis.evil = 1; if (1) {`)).toEqual(['w.js:2:1: SyntaxError: Unexpected token']);
  });

  test('S12 .ts: the same splices are syntax errors at the closing brace', async () => {
    expect(await compileErrors(`${META}\n${escape}`, 'w.ts')).toEqual(['w.ts:2:2: SyntaxError: Expected ";" but found ")"']);
    // esbuild accepts this one (it balances with the wrapper's own tail); the output check catches it.
    expect(await compileErrors(`${META}\n}; globalThis.evil = 1; if (1) {`, 'w.ts')).toEqual([
      'w.ts:2:1: Unexpected "}": this brace closes the workflow body early (unbalanced braces)',
    ]);
    expect(await compileErrors(`${META}\n}, globalThis.evil = 1, function () {`, 'w.ts')).toEqual([
      'w.ts:2:1: Unexpected "}": this brace closes the workflow body early (unbalanced braces)',
    ]);
  });
});

describe('PH phase titles', () => {
  test('PH02 a literal phase() title not declared in meta.phases is a warning naming it', async () => {
    const source = 'export const meta = { name: "w", description: "d", phases: [{ title: "Plan" }] };\nphase("Extra");\nawait agent("a");';
    const compiled = await compileWorkflow(source, 'w.js');
    expect(compiled.warnings.map(formatDiagnostic)).toEqual(['w.js:2:1: warning: phase("Extra") is not declared in meta.phases']);
    expect(compiled.phaseTitles).toEqual(['Extra']);
  });

  test('PH1 declared titles, and any title when meta.phases is absent, give no warning', async () => {
    const declared = 'export const meta = { name: "w", description: "d", phases: [{ title: "Plan" }] };\nphase("Plan");';
    expect((await compileWorkflow(declared, 'w.js')).warnings).toEqual([]);
    expect((await compileWorkflow(`${META}\nphase("Anything");`, 'w.js')).warnings).toEqual([]);
  });

  test('PH09 literal titles in source order, deduplicated; dynamic titles skipped; unparsable source gives []', async () => {
    const source = [
      META,
      'phase("Discover");',
      "await parallel([() => { phase('Detail'); }]);",
      'phase("Discover");',
      'phase(`Summarize`);',
      'const n = 1;',
      'phase(`Dyn-${n}`);',
      'phase(title);',
      'obj.phase("Not a phase call");',
    ].join('\n');
    expect((await compileWorkflow(source, 'w.js')).phaseTitles).toEqual(['Discover', 'Detail', 'Summarize']);
    expect((await compileWorkflow(source, 'w.ts')).phaseTitles).toEqual(['Discover', 'Detail', 'Summarize']);
    expect(scanPhaseTitles(source)).toEqual(['Discover', 'Detail', 'Summarize']);
    expect(scanPhaseTitles(`${source}\nconst = 1`)).toEqual([]);
  });

  test('PH02 .ts: an undeclared title is located in the user file', async () => {
    const source = 'export const meta = { name: "w", description: "d", phases: [{ title: "Plan" }] } as const;\nconst n: number = 1;\n  phase("Extra");';
    expect((await compileWorkflow(source, 'w.ts')).warnings.map(formatDiagnostic)).toEqual([
      'w.ts:3:3: warning: phase("Extra") is not declared in meta.phases',
    ]);
  });
});
