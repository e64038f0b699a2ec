import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { GENERATED_FILENAME, compileWorkflow, mapPosition, mapStack, type CompiledWorkflow } from '../../../src/compile/index.js';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { rebaseSourceMap } from '../../../src/compile/source-map.js';
import { bundleWorkflow } from '../../../src/compile/transform.js';
import { wrapSource } from '../../../src/compile/wrapper.js';
import { META, at } from './helpers.js';

/** 1-based line and column of `needle` in the generated code. */
function generatedPosition(compiled: CompiledWorkflow, needle: string): [number, number] {
  const [line, column] = at(compiled.code, needle).split(':').map(Number);
  return [line!, column!];
}

/** Runs the workflow in node:vm and returns the stack of what it threw. */
async function thrownStack(compiled: CompiledWorkflow, args?: unknown): Promise<string> {
  const context = vm.createContext({ args });
  new vm.Script(compiled.code, { filename: GENERATED_FILENAME }).runInContext(context);
  try {
    await (context as { __workflow__: () => Promise<unknown> }).__workflow__();
  } catch (error) {
    return (error as Error).stack!;
  }
  throw new Error('expected the workflow to throw');
}

describe('F20 runtime positions map back to the user file', () => {
  const source = `${META}\nconst a = 1;\n  const boom = null.x;\nreturn a;`;

  test('F20 mapPosition maps a token of body line 3 back to line 3 and its column', async () => {
    const compiled = await compileWorkflow(source, '/wf/w.js');
    const [line, column] = generatedPosition(compiled, 'null.x');
    expect(line).not.toBe(3);
    expect(mapPosition(line, column, compiled)).toEqual({ file: '/wf/w.js', line: 3, column: 16 });
  });

  test('F20 mapStack rewrites the thrown frame to file:line:col, whatever args are', async () => {
    const compiled = await compileWorkflow(source, '/wf/w.js');
    for (const args of [undefined, 'one line', 'a\nmulti-line\nstring\n']) {
      const stack = await thrownStack(compiled, args);
      expect(stack).toContain(GENERATED_FILENAME);
      const mapped = mapStack(stack, compiled);
      expect(mapped.split('\n')[0]).toBe("TypeError: Cannot read properties of null (reading 'x')");
      expect(mapped.split('\n')[1]).toBe('    at Object.__workflow__ (/wf/w.js:3:21)');
      expect(mapped).not.toContain(GENERATED_FILENAME);
    }
  });

  test('F20 a position on line 1 is corrected for the wrapper head', async () => {
    const line1 = `${META} const boom = null.x;`;
    const compiled = await compileWorkflow(line1, 'w.js');
    const [line, column] = generatedPosition(compiled, 'null.x');
    expect(mapPosition(line, column, compiled)).toEqual({ file: 'w.js', line: 1, column: Number(at(line1, 'null.x').split(':')[1]) });
  });

  test('F20 .ts: positions map to the TypeScript source, not the stripped output', async () => {
    const ts = `${META}\nconst a: Record<string, number> = {};\nconst b: number | undefined = undefined;\nconst c: string = (null as unknown as { x: string }).x;`;
    const compiled = await compileWorkflow(ts, 'w.ts');
    const mapped = mapStack(await thrownStack(compiled), compiled);
    expect(mapped.split('\n')[1]).toBe('    at Object.__workflow__ (w.ts:4:54)');
    const [line, column] = generatedPosition(compiled, 'const c');
    expect(mapPosition(line, column, compiled)).toEqual({ file: 'w.ts', line: 4, column: 1 });
  });

  test('F20 frames in the wrapper are dropped; user frames in module form are kept', async () => {
    const moduleSource = `${META}\nexport default async function main() {\n  await null;\n  return helper();\n}`;
    const compiled = await compileWorkflow(moduleSource.replace('helper()', 'null.y'), 'w.js');
    const stack = await thrownStack(compiled);
    const mapped = mapStack(stack, compiled);
    expect(mapped).toMatch(/^\s+at main \(w\.js:4:15\)$/m);
    expect(mapped).not.toContain(GENERATED_FILENAME);
    // The wrapper head and tail map to nothing.
    const [headLine, headColumn] = generatedPosition(compiled, 'globalThis.__workflow__');
    expect(mapPosition(headLine, headColumn, compiled)).toBeUndefined();
    const [tailLine, tailColumn] = generatedPosition(compiled, 'return await __wfdefault__');
    expect(mapPosition(tailLine, tailColumn, compiled)).toBeUndefined();
  });

  test('F20 mapStack leaves unrelated lines alone and maps copies of the compiled workflow', async () => {
    const compiled = await compileWorkflow(source, 'w.js');
    const copy = JSON.parse(JSON.stringify({ file: compiled.file, sourceMap: compiled.sourceMap })) as CompiledWorkflow;
    const [line, column] = generatedPosition(compiled, 'null.x');
    const stack = `Error: boom\n    at __workflow__ (${GENERATED_FILENAME}:${line}:${column})\n    at node:internal/x:1:1`;
    expect(mapStack(stack, copy)).toBe('Error: boom\n    at __workflow__ (w.js:3:16)\n    at node:internal/x:1:1');
  });

  test('F5 the source map names the user file and holds the exact source', async () => {
    const compiled = await compileWorkflow(source, '/wf/w.js');
    const map = JSON.parse(compiled.sourceMap) as { file: string; sources: string[]; sourcesContent: string[] };
    expect(map.file).toBe(GENERATED_FILENAME);
    expect(map.sources).toEqual(['/wf/w.js']);
    expect(map.sourcesContent).toEqual([source]);
  });

  test('F20 the rebased map agrees with esbuild\'s at every generated position, minus the wrapper', async () => {
    const source = `${META} const first = [1, 2].map((n) => n * 2);\nconst second = "é" + first;\n\treturn { second };`;
    const wrapped = wrapSource(source, { blankExports: [0] });
    const bundled = await bundleWorkflow(wrapped, source, 'w.js');
    if (!bundled.ok) throw new Error('bundle failed');
    const raw = new SourceMap(JSON.parse(bundled.map) as SourceMapPayload);
    const compiled = { file: 'w.js', sourceMap: rebaseSourceMap(bundled.map, { ...wrapped, file: 'w.js', source }) };
    let mapped = 0;
    bundled.code.split('\n').forEach((text, line) => {
      for (let column = 0; column <= text.length; column++) {
        const entry = raw.findEntry(line, column) as { generatedLine?: number; originalLine?: number; originalColumn?: number };
        let expected: { file: string; line: number; column: number } | undefined;
        if (entry.generatedLine === line && entry.originalLine !== undefined && entry.originalLine < wrapped.userLines) {
          const original = entry.originalColumn! - (entry.originalLine === 0 ? wrapped.headLength : 0);
          if (original >= 0) expected = { file: 'w.js', line: entry.originalLine + 1, column: original + 1 };
        }
        expect(mapPosition(line + 1, column + 1, compiled)).toEqual(expected);
        if (expected) mapped++;
      }
    });
    expect(mapped).toBeGreaterThan(50);
  });
});
