import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, isDenied, isWithin, openForRead, resolveInside, resolveReadable } from '../../../../src/dispatch/tools/path-guard.js';
import { removeDir, tempDir, toolError } from './support.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await tempDir('guard');
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'src', 'deep'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  await writeFile(join(outside, 'secret.txt'), 'top secret\n');
  await symlink(join(outside, 'secret.txt'), join(root, 'leak.txt'));
  await symlink(outside, join(root, 'leakdir'));
  await symlink(join(root, 'src', 'a.ts'), join(root, 'alias.ts'));
  await symlink(join(root, 'src'), join(root, 'srclink'));
  await symlink(join(outside, 'not-yet.txt'), join(root, 'dangling-out'));
  await writeFile(join(root, '.env'), 'API_KEY=xyz\n');
  await symlink(join(root, '.env'), join(root, 'innocent.txt'));
});
afterAll(() => removeDir(base));

describe('resolveInside', () => {
  it('resolves relative paths, "." and absolute paths inside the root', async () => {
    expect(await resolveInside(root, 'src/a.ts')).toBe(join(root, 'src', 'a.ts'));
    expect(await resolveInside(root, '.')).toBe(root);
    expect(await resolveInside(root, '')).toBe(root);
    expect(await resolveInside(root, join(root, 'src'))).toBe(join(root, 'src'));
    expect(await resolveInside(root, 'src/deep/../a.ts')).toBe(join(root, 'src', 'a.ts'));
  });

  it('resolves a missing path through its deepest existing parent', async () => {
    expect(await resolveInside(root, 'src/deep/new/file.ts')).toBe(join(root, 'src', 'deep', 'new', 'file.ts'));
    expect(await resolveInside(root, 'srclink/missing.ts')).toBe(join(root, 'src', 'missing.ts'));
  });

  it('refuses .. escapes without naming host paths', async () => {
    const message = await toolError(resolveInside(root, '../outside/secret.txt'));
    expect(message).toContain('"../outside/secret.txt"');
    expect(message).toContain('escapes the project root');
    expect(message).not.toContain(base);
    await toolError(resolveInside(root, 'src/../../outside'));
  });

  it('refuses absolute paths outside the root', async () => {
    const message = await toolError(resolveInside(root, '/etc/passwd'));
    expect(message).toContain('outside the project root');
    await toolError(resolveInside(root, join(outside, 'secret.txt')));
    // A sibling that shares the root as a string prefix is still outside.
    await toolError(resolveInside(root, `${root}x/file`));
  });

  it('refuses symlinks to a file or a directory outside the root', async () => {
    const file = await toolError(resolveInside(root, 'leak.txt'));
    expect(file).toContain('symbolic link');
    expect(file).not.toContain(outside);
    await toolError(resolveInside(root, 'leakdir'));
    await toolError(resolveInside(root, 'leakdir/secret.txt'));
    await toolError(resolveInside(root, 'leakdir/missing.txt'));
  });

  it('refuses a dangling symlink whose target would be outside', async () => {
    await toolError(resolveInside(root, 'dangling-out'));
  });

  it('allows symlinks that stay inside the root', async () => {
    expect(await resolveInside(root, 'alias.ts')).toBe(join(root, 'src', 'a.ts'));
    expect(await resolveInside(root, 'srclink/a.ts')).toBe(join(root, 'src', 'a.ts'));
  });

  it('refuses NUL bytes', async () => {
    await toolError(resolveInside(root, 'src/a.ts\0.png'));
  });
});

describe('denylist', () => {
  it('matches secrets and wf state, not ordinary files', () => {
    for (const denied of ['.env', 'app/.env', '.env.local', 'certs/server.pem', 'tls.key', 'id_rsa', 'id_rsa.pub', 'home/.ssh/id_ed25519', 'id_work', '.npmrc', '.netrc', '.git/config', 'sub/.git/config', '.aws/credentials', '.boocode/cache/x/y.json', '.boocode/runs/r1/journal', '.boocode/cache', '.ENV']) {
      expect(isDenied(denied), denied).toBe(true);
    }
    for (const allowed of ['src/env.ts', 'environment.md', 'env/readme.md', 'keys.ts', 'id_generator.ts', '.git/HEAD', '.boocode/config.json', 'monkey.txt', 'docs/keynote.md', '.']) {
      expect(isDenied(allowed), allowed).toBe(false);
    }
  });

  it('reports a denied file as denied, not missing, also through a symlink', async () => {
    expect(await toolError(resolveReadable(root, '.env'))).toContain('denied');
    expect(await toolError(resolveReadable(root, 'innocent.txt'))).toContain('denied');
    expect(await toolError(openForRead(root, '.env'))).toContain('denied');
  });
});

describe('openForRead', () => {
  it('opens a file inside the root and shows its root-relative path', async () => {
    const file = await openForRead(root, 'alias.ts');
    try {
      expect(file.display).toBe('src/a.ts');
      expect((await file.handle.readFile()).toString()).toBe('export const a = 1;\n');
    } finally {
      await file.handle.close();
    }
  });

  it('says "not found" for a missing file and refuses directories', async () => {
    expect(await toolError(openForRead(root, 'src/nope.ts'))).toBe('"src/nope.ts" not found');
    expect(await toolError(openForRead(root, 'src'))).toContain('is a directory');
  });
});

describe('helpers', () => {
  it('isWithin compares whole path segments', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', `/a/b${sep}c`)).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
  });

  it('displayPath is root-relative with posix separators', () => {
    expect(displayPath(root, join(root, 'src', 'a.ts'))).toBe('src/a.ts');
    expect(displayPath(root, root)).toBe('.');
  });
});
