import { test } from 'vitest';
import vm from 'node:vm';
import { compileWorkflow } from '/work/main/src/compile/index.js';
import { formatDiagnostic } from '/work/main/src/errors.js';
const cases: Array<[string, string]> = [
  ['a.js', 'export const meta = { name: "a", description: "d", phases: [{title:"P"}] };\nphase("P"); phase(`Q`);\nconst x = await Promise.resolve(args);\nreturn x + 1;'],
  ['b.js', '// hi\nexport const meta = { name: "b", description: "d" }\nexport default async function main(args) {\n  return args * 2;\n}\n'],
  ['c.ts', 'export const meta = { name: "c", description: "d" } as const;\nconst y: number = args;\nreturn y as number;'],
  ['d.ts', 'export const meta = { name: "d", description: "d" } as const;\n}; evil(); if (1) {'],
  ['e.ts', 'export const meta = { name: "e", description: "d" } as const;\nimport x from "fs";\nexport const q = 1;\nconst z = require("x"); import.meta.url;'],
  ['f.ts', 'export const meta = { name: "f", description: "d" } as const;\nconst z = require(x);\nawait import("y"); import.meta.url;'],
  ['g.js', 'export const meta = { name: "g", description: "d" };\n})(); })(); return Math.random(); (async () => { (async () => {'],
  ['h.ts', 'export const meta = { name: "h", description: "d" } as const;\nexport default async function (args: number): Promise<number> { return args * 3 }'],
];
test('smoke', async () => {
  for (const [file, src] of cases) {
    try {
      const c = await compileWorkflow(src, file);
      const ctx: any = { args: 5 };
      vm.runInNewContext(c.code, ctx, { filename: 'workflow.gen.js' });
      console.log(file, c.form, c.phaseTitles, c.warnings.map(formatDiagnostic), await ctx.__workflow__());
      if (file === 'a.js') console.log(c.code);
    } catch (e: any) {
      console.log(file, 'ERR', e.diagnostics ? e.diagnostics.map(formatDiagnostic) : e);
    }
  }
});
