// types/wf.d.ts is a public contract (docs/authoring.md#editor-support): these tests compile code
// against it the way a script author's editor does.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the project's own tsc; returns its exit status and everything it printed. */
function tsc(...args: string[]): { status: number; output: string } {
  const bin = path.join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, output: '' };
  } catch (error) {
    const { status, stdout, stderr } = error as { status: number | null; stdout: string; stderr: string };
    return { status: status ?? -1, output: `${stdout}${stderr}` };
  }
}

// test/types/wf.test-d.ts holds correct usages (which must compile) and, under @ts-expect-error,
// mistakes such as a misspelled option or `schema: "string"` (which must not): an expected error
// that does not happen fails the compile too.
test('types/wf.d.ts compiles user scripts and rejects misspelled options', () => {
  expect(tsc('-p', 'test/types/tsconfig.json')).toEqual({ status: 0, output: '' });
}, 60_000);

// The shipped examples are checked with their own jsconfig.json plus checkJs. The one diagnostic
// allowed is TS1108 (a top-level `return`), which TypeScript reports and wf accepts (spec F4).
test('the example workflows in .boocode/workflows type-check against types/wf.d.ts', () => {
  const dir = path.join(root, '.boocode/workflows');
  const configPath = path.join(dir, 'jsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  expect(error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, { checkJs: true }, configPath);
  expect(parsed.errors).toEqual([]);

  const scripts = parsed.fileNames.filter((file) => !file.endsWith('.d.ts')).map((file) => path.basename(file));
  expect(scripts).toEqual(expect.arrayContaining(['hello.js', 'fan-out.js', 'module-form.js', 'review-pipeline.ts']));

  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.code !== 1108)
    .map((diagnostic) => {
      const where =
        diagnostic.file && diagnostic.start !== undefined
          ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
          : undefined;
      const file = diagnostic.file ? path.relative(root, diagnostic.file.fileName) : '';
      const position = where ? `:${where.line + 1}:${where.character + 1}` : '';
      return `${file}${position} TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  expect(problems).toEqual([]);
}, 60_000);
