import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDirTool } from '../../../../src/dispatch/tools/list-dir.js';
import { contextFor, removeDir, run, tempDir, toolError } from './support.js';

let base: string;
let root: string;
const list = (input: Record<string, unknown>) => run(listDirTool, contextFor(root), input);

beforeAll(async () => {
  base = await tempDir('list');
  root = join(base, 'root');
  await mkdir(join(root, 'src', 'lib', 'deep', 'deeper'), { recursive: true });
  await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
  await mkdir(join(root, '.git'), { recursive: true });
  await mkdir(join(root, 'src', 'dist'), { recursive: true });
  await mkdir(join(root, 'many'));
  await mkdir(join(base, 'outside'));
  await writeFile(join(root, 'README.md'), 'hello\n');
  await writeFile(join(root, 'src', 'index.ts'), 'x'.repeat(3000));
  await writeFile(join(root, 'src', 'lib', 'util.ts'), '');
  await writeFile(join(root, 'src', 'lib', 'deep', 'deep.ts'), '');
  await writeFile(join(root, 'src', 'lib', 'deep', 'deeper', 'deepest.ts'), '');
  await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), '');
  await symlink(join(base, 'outside'), join(root, 'out'));
  await symlink(join(base, 'outside'), join(root, 'src', 'lib', 'outlink'));
  await writeFile(join(base, 'outside', 'secret.txt'), 'secret');
  for (let i = 0; i < 510; i++) await writeFile(join(root, 'many', `f${String(i).padStart(3, '0')}.txt`), '');
});
afterAll(() => removeDir(base));

describe('list_dir', () => {
  it('lists one level with types and sizes, and names what the ignore list skipped', async () => {
    const out = await list({});
    expect(out).toContain('Directory . (depth 1):');
    expect(out).toContain('dir      src/');
    expect(out).toContain('file     README.md  (6 B)');
    expect(out).toContain('symlink  out');
    expect(out).not.toContain('src/index.ts');
    expect(out).not.toMatch(/^\s*dir\s+node_modules/m);
    expect(out).toContain('[skipped by the default ignore list: .git, node_modules;');
  });

  it('goes deeper with depth, but never more than asked', async () => {
    const two = await list({ path: 'src', depth: 2 });
    expect(two).toContain('file     src/index.ts  (2.9KB)');
    expect(two).toContain('  file     src/lib/util.ts');
    expect(two).toContain('dir      src/lib/deep/');
    expect(two).not.toContain('deep.ts');
    expect(two).toContain('src/dist'); // skipped at any depth, and said so
    expect(two).not.toMatch(/dir\s+src\/dist/);
    const three = await list({ path: 'src', depth: 3 });
    expect(three).toContain('src/lib/deep/deep.ts');
    expect(three).not.toContain('deepest.ts');
  });

  it('does not descend into a symlinked directory', async () => {
    const out = await list({ path: 'src', depth: 3 });
    expect(out).toContain('symlink  src/lib/outlink');
    expect(out).not.toContain('secret.txt');
  });

  it('lists an ignored directory when asked for it by path', async () => {
    const out = await list({ path: 'node_modules', depth: 2 });
    expect(out).toContain('node_modules/pkg/index.js');
  });

  it('caps at 500 entries and counts the rest', async () => {
    const out = await list({ path: 'many' });
    expect(out).toContain('many/f499.txt');
    expect(out).not.toContain('many/f500.txt');
    expect(out).toContain('[10 more entries not shown]');
  });

  it('refuses files, escapes and bad depth', async () => {
    expect(await toolError(list({ path: 'README.md' }))).toContain('not a directory');
    await toolError(list({ path: '..' }));
    expect(await toolError(list({ path: 'out' }))).toContain('outside');
    expect(await toolError(list({ depth: 4 }))).toContain('depth must be between 1 and 3');
    expect(await toolError(list({ path: 'missing' }))).toContain('not found');
  });
});
