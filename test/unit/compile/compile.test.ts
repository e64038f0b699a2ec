import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compileWorkflow, validateWorkflowFile } from '../../../src/compile/index.js';
import { WfUsageError, WfValidationError, formatDiagnostic } from '../../../src/errors.js';
import { META, runCompiled } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wf-compile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe('compileWorkflow', () => {
  test('F01 a workflow with every meta field compiles with no error and no warning, and returns 1', async () => {
    const source =
      'export const meta = {name:"full", description:"all fields", whenToUse:"when testing", phases:[{title:"Scan", detail:"scan it", model:"openai/gpt-5"}]}\nphase("Scan"); return 1';
    const compiled = await compileWorkflow(source, '/wf/full.js');
    expect(compiled).toMatchObject({
      file: '/wf/full.js',
      source,
      form: 'body',
      meta: { name: 'full', description: 'all fields', whenToUse: 'when testing', phases: [{ title: 'Scan', detail: 'scan it', model: 'openai/gpt-5' }] },
      warnings: [],
      phaseTitles: ['Scan'],
    });
    expect(await runCompiled(compiled)).toBe(1);
  });

  test('F5 one WfValidationError holds every error, meta and body alike, in source order', async () => {
    const source = `export const meta = { name: n, description: "d" };\nimport a from "a";\nconst b = require("b");`;
    const error = await compileWorkflow(source, 'w.js').catch((e: unknown) => e as WfValidationError);
    expect(error).toBeInstanceOf(WfValidationError);
    expect((error as WfValidationError).code).toBe('WF_VALIDATION');
    expect((error as WfValidationError).message).toBe('w.js:1:29: meta must be a pure literal: meta.name is an Identifier (n) (and 2 more)');
    expect((error as WfValidationError).location).toEqual({ file: 'w.js', line: 1, column: 29 });
    expect((error as WfValidationError).diagnostics.map(formatDiagnostic)).toEqual([
      'w.js:1:29: meta must be a pure literal: meta.name is an Identifier (n)',
      'w.js:2:1: import declarations are not allowed in workflow scripts',
      'w.js:3:11: require() is not allowed in workflow scripts',
    ]);
  });

  test('F5 warnings travel with the errors when a workflow also fails', async () => {
    const source = 'export const meta = { name: "other", description: "d", phases: [{ title: "A" }] };\nphase("B");\nrequire("x");';
    const error = await compileWorkflow(source, '/wf/w.js').catch((e: unknown) => e as WfValidationError);
    expect((error as WfValidationError).diagnostics.map(formatDiagnostic)).toEqual([
      '/wf/w.js:1:29: warning: meta.name "other" differs from the file stem "w"',
      '/wf/w.js:2:1: warning: phase("B") is not declared in meta.phases',
      '/wf/w.js:3:1: require() is not allowed in workflow scripts',
    ]);
  });

  test('F24 a stem mismatch is a warning in compiled.warnings; the workflow still compiles', async () => {
    const compiled = await compileWorkflow('export const meta = { name: "a-different-name", description: "d" };\nreturn 1', '/wf/stem-mismatch.js');
    expect(compiled.warnings.map(formatDiagnostic)).toEqual([
      '/wf/stem-mismatch.js:1:29: warning: meta.name "a-different-name" differs from the file stem "stem-mismatch"',
    ]);
  });

  test('F5 a 500-line workflow (.js and .ts) compiles, with every phase title found', async () => {
    // Compile time is measured in bench/, not asserted here (timed unit tests are flaky on shared machines).
    const lines = [META, 'const results = [];'];
    for (let i = 0; lines.length < 498; i++) {
      lines.push(`phase("Step ${i % 10}");`, `const r${i} = await agent(\`analyse item ${i} and report\`, { label: "item-${i}" });`, `if (r${i}) results.push({ i: ${i}, text: String(r${i}).slice(0, 80) });`);
    }
    lines.push('return results;');
    const js = lines.join('\n');
    const ts = js.replace('const results = [];', 'const results: Array<{ i: number; text: string }> = [];');
    for (const [source, file] of [[js, 'w.js'], [ts, 'w.ts']] as const) {
      const compiled = await compileWorkflow(source, file);
      expect(compiled.phaseTitles).toHaveLength(10);
      expect(compiled.code).toContain('analyse item 165');
    }
  });
});

describe('validateWorkflowFile', () => {
  test('F5 returns every error with file:line:col and never throws for script problems', async () => {
    const file = write('broken.js', `${META.replace('"w"', '"broken"')}\nimport x from "x";\nconst = 1;`);
    expect((await validateWorkflowFile(file)).diagnostics.map(formatDiagnostic)).toEqual([`${file}:3:7: SyntaxError: Unexpected token`]);
    const imports = write('imports.js', `${META.replace('"w"', '"imports"')}\nimport x from "x";\nreturn x`);
    expect((await validateWorkflowFile(imports)).diagnostics.map(formatDiagnostic)).toEqual([
      `${imports}:2:1: import declarations are not allowed in workflow scripts`,
    ]);
  });

  test('F24 PH02 returns the warnings of a valid workflow', async () => {
    const file = write('named.ts', 'export const meta = { name: "other", description: "d", phases: [{ title: "A" }] } as const;\nphase("Z");');
    expect((await validateWorkflowFile(file)).diagnostics.map(formatDiagnostic)).toEqual([
      `${file}:1:29: warning: meta.name "other" differs from the file stem "named"`,
      `${file}:2:1: warning: phase("Z") is not declared in meta.phases`,
    ]);
    const good = write('good.js', `${META.replace('"w"', '"good"')}\nreturn 1`);
    expect(await validateWorkflowFile(good)).toEqual({ diagnostics: [] });
  });

  test('F5 an unreadable file is a usage error, not a validation result', async () => {
    await expect(validateWorkflowFile(path.join(dir, 'missing.js'))).rejects.toBeInstanceOf(WfUsageError);
  });
});
