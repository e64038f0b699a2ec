import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grepTool } from '../../../../src/dispatch/tools/grep.js';
import { contextFor, removeDir, run, tempDir, toolError } from './support.js';

let base: string;
let root: string;
const grep = (input: Record<string, unknown>) => run(grepTool, contextFor(root), input);

beforeAll(async () => {
  base = await tempDir('grep');
  root = join(base, 'root');
  await mkdir(join(root, 'src'), { recursive: true });
  await mkdir(join(root, 'node_modules'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await writeFile(join(root, 'src', 'a.ts'), ['import x from "y";', 'function load() {', '  return TODO;', '}', '', 'function save() {', '  // todo: later', '}'].join('\n') + '\n');
  await writeFile(join(root, 'src', 'b.js'), 'const TODO = 1;\nconst other = 2;\n');
  await writeFile(join(root, 'notes.md'), `TODO: write docs\n${'z'.repeat(800)}TODO\n`);
  await writeFile(join(root, 'blob.bin'), Buffer.concat([Buffer.from('TODO'), Buffer.from([0, 1, 2]), Buffer.from('TODO')]));
  await writeFile(join(root, 'huge.txt'), `TODO\n${'a'.repeat(1024 * 1024 + 10)}`);
  await writeFile(join(root, 'node_modules', 'dep.js'), 'TODO in a dependency\n');
  await writeFile(join(root, '.env'), 'TODO_SECRET=1\n');
  await writeFile(join(base, 'outside', 'out.ts'), 'TODO outside\n');
  await symlink(join(base, 'outside', 'out.ts'), join(root, 'src', 'link.ts'));
  await writeFile(join(root, 'many.txt'), Array.from({ length: 300 }, (_, i) => `hit ${i + 1}`).join('\n'));
});
afterAll(() => removeDir(base));

describe('grep', () => {
  it('content mode prints path:line: text, skipping binary, large, denied, ignored and outside files', async () => {
    const out = await grep({ pattern: 'TODO' });
    const lines = out.split('\n');
    expect(lines).toContain('notes.md:1: TODO: write docs');
    expect(lines).toContain('src/a.ts:3:   return TODO;');
    expect(lines).toContain('src/b.js:1: const TODO = 1;');
    expect(out).not.toContain('blob.bin');
    expect(out).not.toContain('huge.txt:');
    expect(out).not.toContain('dependency');
    expect(out).not.toContain('TODO_SECRET');
    expect(out).not.toContain('outside');
    expect(out).toContain('[skipped files: 1 binary, 1 over 1 MB, 1 denied (may hold secrets)]');
  });

  it('cuts long lines at 500 characters', async () => {
    const out = await grep({ pattern: 'TODO$', path: 'notes.md' });
    expect(out).toBe(`notes.md:2: ${'z'.repeat(500)}…[line cut: 304 more chars]`);
  });

  it('files and count modes, glob filter, ignoreCase', async () => {
    expect(await grep({ pattern: 'todo', mode: 'files', ignoreCase: true, glob: 'src/**' })).toBe('src/a.ts\nsrc/b.js');
    expect(await grep({ pattern: 'todo', mode: 'count', ignoreCase: true, path: 'src' })).toBe('3 matching lines in 2 files:\nsrc/a.ts: 2\nsrc/b.js: 1');
    expect(await grep({ pattern: 'todo', path: 'src' })).toBe('src/a.ts:7:   // todo: later');
    expect(await grep({ pattern: 'function', glob: '**/*.js' })).toContain('No matches for /function/ in 1 file.');
  });

  it('context lines, joined when they overlap, groups separated by --', async () => {
    const out = await grep({ pattern: 'function', path: 'src/a.ts', context: 1 });
    expect(out).toBe(
      [
        'src/a.ts-1- import x from "y";',
        'src/a.ts:2: function load() {',
        'src/a.ts-3-   return TODO;',
        '--',
        'src/a.ts-5- ',
        'src/a.ts:6: function save() {',
        'src/a.ts-7-   // todo: later',
      ].join('\n'),
    );
    const joined = await grep({ pattern: 'return|^}', path: 'src/a.ts', context: 2 });
    expect(joined).toBe(
      [
        'src/a.ts-1- import x from "y";',
        'src/a.ts-2- function load() {',
        'src/a.ts:3:   return TODO;',
        'src/a.ts:4: }',
        'src/a.ts-5- ',
        'src/a.ts-6- function save() {',
        'src/a.ts-7-   // todo: later',
        'src/a.ts:8: }',
      ].join('\n'),
    );
  });

  it('stops at 200 matches and says so', async () => {
    const out = await grep({ pattern: '^hit', path: 'many.txt' });
    const lines = out.split('\n');
    expect(lines.filter((line) => line.startsWith('many.txt:'))).toHaveLength(200);
    expect(lines.at(-1)).toBe('[stopped at 200 matches; narrow the pattern, path or glob]');
  });

  it('reports an invalid regex with the parser message, and refuses overlong patterns', async () => {
    const message = await toolError(grep({ pattern: 'a(b' }));
    expect(message).toContain('invalid regular expression "a(b"');
    expect(message).toMatch(/Unterminated group/);
    expect(await toolError(grep({ pattern: 'a'.repeat(501) }))).toContain('too long');
  });

  it('refuses nested quantifiers, which could freeze wf on one line', async () => {
    expect(await toolError(grep({ pattern: '(a+)+$' }))).toContain('nests quantifiers');
  });

  it('refuses paths outside the root and bad options', async () => {
    await toolError(grep({ pattern: 'x', path: '../outside' }));
    expect(await toolError(grep({ pattern: 'x', path: 'src/link.ts' }))).toContain('outside');
    expect(await toolError(grep({ pattern: 'x', path: '.env' }))).toContain('denied');
    expect(await toolError(grep({ pattern: 'x', mode: 'lines' }))).toContain('mode must be one of');
    expect(await toolError(grep({ pattern: 'x', context: 6 }))).toContain('context must be between 0 and 5');
    expect(await toolError(grep({ pattern: 'x', glob: '../*' }))).toContain('".."');
  });
});
