import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globTool } from '../../../../src/dispatch/tools/glob.js';
import { contextFor, removeDir, run, tempDir, toolError } from './support.js';

let base: string;
let root: string;
const glob = (input: Record<string, unknown>) => run(globTool, contextFor(root), input);

async function fileAt(rel: string, secondsAgo: number): Promise<void> {
  const path = join(root, rel);
  await writeFile(path, rel);
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(path, when, when);
}

beforeAll(async () => {
  base = await tempDir('glob');
  root = join(base, 'root');
  await mkdir(join(root, 'src', 'nested'), { recursive: true });
  await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
  await mkdir(join(root, 'many'));
  await mkdir(join(base, 'outside'));
  await fileAt('src/old.ts', 3000);
  await fileAt('src/newest.ts', 10);
  await fileAt('src/nested/middle.ts', 500);
  await fileAt('src/readme.md', 1);
  await fileAt('node_modules/pkg/index.ts', 0);
  await writeFile(join(base, 'outside', 'secret.ts'), '');
  await symlink(join(base, 'outside'), join(root, 'src', 'outdir'));
  await symlink(join(base, 'outside', 'secret.ts'), join(root, 'src', 'outfile.ts'));
  for (let i = 0; i < 205; i++) await fileAt(`many/f${String(i).padStart(3, '0')}.txt`, 1000 + i);
});
afterAll(() => removeDir(base));

describe('glob', () => {
  it('lists matches newest first, with ignores and root-relative paths', async () => {
    const out = await glob({ pattern: '**/*.ts' });
    const lines = out.split('\n');
    expect(lines[0]).toBe('3 files match "**/*.ts" in the project root (newest first):');
    expect(lines.slice(1)).toEqual(['src/newest.ts', 'src/nested/middle.ts', 'src/old.ts']);
  });

  it('searches inside path', async () => {
    const out = await glob({ pattern: '*.ts', path: 'src/nested' });
    expect(out.split('\n').slice(1)).toEqual(['src/nested/middle.ts']);
  });

  it('never returns matches outside the root through symlinks', async () => {
    const out = await glob({ pattern: '**/*', path: 'src' });
    expect(out).not.toContain('secret');
    expect(out).not.toContain('outfile');
  });

  it('caps at 200 results and says how many more there are', async () => {
    const out = await glob({ pattern: 'many/*.txt' });
    const lines = out.split('\n');
    expect(lines[0]).toContain('205 files match');
    expect(lines[1]).toBe('many/f000.txt'); // the newest
    expect(lines).toHaveLength(1 + 200 + 1);
    expect(lines[200]).toBe('many/f199.txt');
    expect(lines[201]).toBe('[5 more matches not shown; narrow the pattern or the path]');
  });

  it('says so when nothing matches', async () => {
    expect(await glob({ pattern: '**/*.rs' })).toContain('No files match "**/*.rs"');
  });

  it('refuses patterns and paths that leave the root', async () => {
    expect(await toolError(glob({ pattern: '../**/*' }))).toContain('".." segments');
    expect(await toolError(glob({ pattern: '/etc/*' }))).toContain('must be relative');
    await toolError(glob({ pattern: '*', path: '..' }));
    await toolError(glob({ pattern: '*', path: 'src/outdir' }));
    expect(await toolError(glob({}))).toBe('pattern is required');
  });
});
