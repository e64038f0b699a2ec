/**
 * The check/use gap: the file is swapped between the guard's stat and the open. `open` is wrapped
 * so the test can make the swap happen exactly there.
 */
import { rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openForRead } from '../../../../src/dispatch/tools/path-guard.js';
import { removeDir, tempDir, toolError } from './support.js';

const hooks = vi.hoisted(() => ({ beforeOpen: undefined as undefined | ((path: string) => Promise<void>) }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const hook = hooks.beforeOpen;
      hooks.beforeOpen = undefined;
      if (hook) await hook(String(args[0]));
      return real.open(...args);
    },
  };
});

let base: string;
let root: string;

beforeAll(async () => {
  base = await tempDir('race');
  root = join(base, 'root');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(root);
  await writeFile(join(base, 'outside.txt'), 'secret');
});
afterAll(() => removeDir(base));
beforeEach(async () => {
  await writeFile(join(root, 'file.txt'), 'original');
});

describe('openForRead closes the check/use gap', () => {
  it('reads the checked file when nothing changes', async () => {
    const file = await openForRead(root, 'file.txt');
    expect((await file.handle.readFile()).toString()).toBe('original');
    await file.handle.close();
  });

  it('refuses a file replaced by another one after the check (inode differs)', async () => {
    await writeFile(join(root, 'other.txt'), 'swapped in');
    hooks.beforeOpen = async (path) => rename(join(root, 'other.txt'), path);
    expect(await toolError(openForRead(root, 'file.txt'))).toBe('"file.txt" changed while being opened; try again');
  });

  it('refuses a file replaced by a symlink to outside after the check', async () => {
    hooks.beforeOpen = async (path) => {
      await unlink(path);
      await symlink(join(base, 'outside.txt'), path);
    };
    const message = await toolError(openForRead(root, 'file.txt'));
    expect(message).toContain('"file.txt"');
    expect(message).not.toContain('secret');
    await unlink(join(root, 'file.txt'));
  });
});
