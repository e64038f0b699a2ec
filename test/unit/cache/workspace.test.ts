/**
 * The workspace fingerprint and the `reads.files` digest (spec C3), on real temp directories and
 * real git repositories. Tests that need git say so in their name and are skipped without it; the
 * outside-git path is tested either way.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from 'vitest';
import { filesDigest, workspaceFingerprint, WorkspaceFingerprints } from '../../../src/cache/workspace.js';
import { ReadsOutsideProjectError, WorkspaceTooLargeError } from '../../../src/cache/workspace-errors.js';

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// A git hook running these tests would set GIT_DIR and friends; the temp repositories must win.
const gitEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^GIT_/.test(name)));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function commitAll(cwd: string, message = 'c'): void {
  git(cwd, 'add', '-A');
  git(cwd, '-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message);
}

let base: string;
let savedCeiling: string | undefined;

beforeAll(() => {
  // realpath: on macOS os.tmpdir() is a symlink, and the inside-the-project checks compare real paths.
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'wf-workspace-')));
  // Keeps git from finding a repository above the temp dir (a tmpdir inside someone's checkout).
  savedCeiling = process.env.GIT_CEILING_DIRECTORIES;
  process.env.GIT_CEILING_DIRECTORIES = base;
});

afterAll(() => {
  if (savedCeiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
  else process.env.GIT_CEILING_DIRECTORIES = savedCeiling;
  rmSync(base, { recursive: true, force: true });
});

let dir: string;
let counter = 0;
beforeEach(() => {
  dir = path.join(base, `w${counter++}`);
  mkdirSync(dir);
});

function write(relative: string, content: string, root = dir): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** A git repository at `dir` with two committed files. */
function repo(): string {
  git(dir, 'init', '-q');
  write('src/a.ts', 'export const a = 1;\n');
  write('README.md', '# app\n');
  commitAll(dir);
  return dir;
}

describe('C3 workspace fingerprint inside git', () => {
  it.skipIf(!hasGit)('C3 inside git the fingerprint is git:<tree of HEAD>+<dirty digest> and stable (needs git)', async () => {
    repo();
    const tree = git(dir, 'rev-parse', 'HEAD^{tree}').trim();
    const first = await workspaceFingerprint(dir);
    expect(first).toMatch(new RegExp(`^git:${tree}\\+[0-9a-f]{64}$`));
    expect(await workspaceFingerprint(dir)).toBe(first);
  });

  it.skipIf(!hasGit)('C3 editing a tracked file changes the fingerprint (needs git)', async () => {
    repo();
    const before = await workspaceFingerprint(dir);
    write('src/a.ts', 'export const a = 2;\n');
    const after = await workspaceFingerprint(dir);
    expect(after).not.toBe(before);
    // Same tree: only the dirty part moved.
    expect(after.split('+')[0]).toBe(before.split('+')[0]);
    write('src/a.ts', 'export const a = 3;\n');
    expect(await workspaceFingerprint(dir)).not.toBe(after);
  });

  it.skipIf(!hasGit)('C3 an untracked file changes it, and so does editing that file (needs git)', async () => {
    repo();
    const before = await workspaceFingerprint(dir);
    write('notes/new.md', 'one\n');
    const added = await workspaceFingerprint(dir);
    expect(added).not.toBe(before);
    write('notes/new.md', 'two\n');
    expect(await workspaceFingerprint(dir)).not.toBe(added);
  });

  it.skipIf(!hasGit)('C3 deleting or renaming a tracked file changes it (needs git)', async () => {
    repo();
    const before = await workspaceFingerprint(dir);
    unlinkSync(path.join(dir, 'README.md'));
    const deleted = await workspaceFingerprint(dir);
    expect(deleted).not.toBe(before);
    git(dir, 'checkout', '--', 'README.md');
    expect(await workspaceFingerprint(dir)).toBe(before);
    git(dir, 'mv', 'README.md', 'READ.md');
    expect(await workspaceFingerprint(dir)).not.toBe(before);
  });

  it.skipIf(!hasGit)('C3 gitignored files do not change it (needs git)', async () => {
    write('.gitignore', 'dist/\n*.log\n');
    repo();
    const before = await workspaceFingerprint(dir);
    write('dist/out.js', 'x');
    write('debug.log', 'y');
    expect(await workspaceFingerprint(dir)).toBe(before);
  });

  it.skipIf(!hasGit)("C3 wf's own runs/ and cache/ never change it, but .boocode/workflows does (needs git)", async () => {
    repo();
    const before = await workspaceFingerprint(dir);
    write('.boocode/runs/r1/journal.jsonl', '{"type":"start"}\n');
    write('.boocode/cache/s1/ab/entry.json', '{}');
    write('packages/api/.boocode/runs/r2/journal.jsonl', '{}');
    expect(await workspaceFingerprint(dir)).toBe(before);
    write('.boocode/workflows/review.ts', 'export default 1;\n');
    expect(await workspaceFingerprint(dir)).not.toBe(before);
  });

  it.skipIf(!hasGit)('C3 committing the same content keeps tree+dirty distinct but stable (needs git)', async () => {
    repo();
    write('src/a.ts', 'export const a = 2;\n');
    const dirty = await workspaceFingerprint(dir);
    commitAll(dir, 'edit');
    const committed = await workspaceFingerprint(dir);
    expect(committed).not.toBe(dirty);
    expect(committed.split('+')[0]).not.toBe(dirty.split('+')[0]);
    expect(await workspaceFingerprint(dir)).toBe(committed);
    // A clean tree always has the same dirty digest.
    expect(committed.split('+')[1]).toBe((await workspaceFingerprint(dir)).split('+')[1]);
  });

  it.skipIf(!hasGit)('C3 a repository with no commit yet uses the tree "empty" and still sees content (needs git)', async () => {
    git(dir, 'init', '-q');
    write('a.txt', 'one');
    const first = await workspaceFingerprint(dir);
    expect(first).toMatch(/^git:empty\+[0-9a-f]{64}$/);
    write('a.txt', 'two');
    expect(await workspaceFingerprint(dir)).not.toBe(first);
  });

  it.skipIf(!hasGit)('C3 a subdirectory root fingerprints the whole work tree (needs git)', async () => {
    repo();
    const sub = path.join(dir, 'src');
    expect(await workspaceFingerprint(sub)).toBe(await workspaceFingerprint(dir));
    const before = await workspaceFingerprint(sub);
    write('README.md', '# changed\n');
    expect(await workspaceFingerprint(sub)).not.toBe(before);
  });

  it.skipIf(!hasGit)('C3 fingerprinting does not rewrite the index (GIT_OPTIONAL_LOCKS=0) (needs git)', async () => {
    repo();
    const file = path.join(dir, 'src/a.ts');
    // Same content, new mtime: a plain `git status` would refresh and rewrite .git/index.
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const index = readFileSync(path.join(dir, '.git/index'));
    await workspaceFingerprint(dir);
    expect(readFileSync(path.join(dir, '.git/index')).equals(index)).toBe(true);
  });
});

describe('C3 workspace fingerprint outside git', () => {
  test('C3 outside git a content edit changes it', async () => {
    write('src/a.ts', 'one');
    const before = await workspaceFingerprint(dir);
    expect(before).toMatch(/^files:[0-9a-f]{64}$/);
    expect(await workspaceFingerprint(dir)).toBe(before);
    write('src/a.ts', 'two');
    const edited = await workspaceFingerprint(dir);
    expect(edited).not.toBe(before);
    write('src/b.ts', '');
    expect(await workspaceFingerprint(dir)).not.toBe(edited);
  });

  test("C3 outside git, .git, node_modules and wf's own runs/ and cache/ are skipped", async () => {
    write('src/a.ts', 'one');
    const before = await workspaceFingerprint(dir);
    write('node_modules/x/index.js', 'x');
    write('.git/HEAD', 'ref: nothing');
    write('.boocode/runs/r1/journal.jsonl', '{}');
    write('.boocode/cache/s1/entry.json', '{}');
    expect(await workspaceFingerprint(dir)).toBe(before);
    write('.boocode/workflows/w.ts', 'x');
    expect(await workspaceFingerprint(dir)).not.toBe(before);
  });

  test('C3 outside git a symlink is hashed by its target, not followed', async () => {
    const outside = path.join(base, `outside-${counter}`);
    write('big.txt', 'one', outside);
    symlinkSync(outside, path.join(dir, 'link'));
    const before = await workspaceFingerprint(dir);
    write('big.txt', 'two', outside);
    expect(await workspaceFingerprint(dir)).toBe(before);
    unlinkSync(path.join(dir, 'link'));
    symlinkSync(path.join(outside, 'big.txt'), path.join(dir, 'link'));
    expect(await workspaceFingerprint(dir)).not.toBe(before);
  });

  test('C3 outside git a workspace over the cap is refused with WF_WORKSPACE_TOO_LARGE', async () => {
    for (let i = 0; i < 4; i++) write(`f${i}.txt`, 'x'.repeat(10));
    await expect(workspaceFingerprint(dir, { maxFiles: 3 })).rejects.toSatisfy(
      (error) =>
        WorkspaceTooLargeError.isInstance(error) &&
        error.code === 'WF_WORKSPACE_TOO_LARGE' &&
        /inside a git repository/.test(error.hint ?? ''),
    );
    await expect(workspaceFingerprint(dir, { maxBytes: 39 })).rejects.toBeInstanceOf(WorkspaceTooLargeError);
    expect(await workspaceFingerprint(dir, { maxFiles: 4, maxBytes: 40 })).toMatch(/^files:/);
  });

  describe('without git on PATH', () => {
    let savedPath: string | undefined;
    beforeEach(() => {
      savedPath = process.env.PATH;
    });
    afterEach(() => {
      process.env.PATH = savedPath;
    });

    test('C3 without git installed, a git work tree falls back to the outside-git digest', async () => {
      if (hasGit) repo();
      else write('src/a.ts', 'one');
      const empty = path.join(base, `no-bin-${counter}`);
      mkdirSync(empty);
      process.env.PATH = empty;
      const before = await workspaceFingerprint(dir);
      expect(before).toMatch(/^files:[0-9a-f]{64}$/);
      write('src/a.ts', 'changed');
      expect(await workspaceFingerprint(dir)).not.toBe(before);
    });
  });
});

describe('C3 WorkspaceFingerprints memo', () => {
  test('C3 the memo computes once for concurrent callers and recomputes after invalidate()', async () => {
    write('a.txt', 'one');
    const memo = new WorkspaceFingerprints(dir);
    const first = memo.current();
    expect(memo.current()).toBe(first);
    const value = await first;
    write('a.txt', 'two');
    // Not invalidated: the memo still answers the old value.
    expect(await memo.current()).toBe(value);
    memo.invalidate();
    const second = memo.current();
    expect(second).not.toBe(first);
    expect(await second).not.toBe(value);
  });

  test('C3 invalidate() during a computation makes the next current() start a new one', async () => {
    write('a.txt', 'one');
    const memo = new WorkspaceFingerprints(dir);
    const inFlight = memo.current();
    memo.invalidate();
    const next = memo.current();
    expect(next).not.toBe(inFlight);
    expect(await next).toBe(await inFlight);
  });

  test('C3 a failed computation is not remembered', async () => {
    const missing = path.join(dir, 'not-yet');
    const memo = new WorkspaceFingerprints(missing);
    await expect(memo.current()).rejects.toThrow();
    mkdirSync(missing);
    await expect(memo.current()).resolves.toMatch(/^(files|git):/);
  });
});

describe('C3 reads.files digest', () => {
  test('C3 reads.files: editing a matched file changes the digest, editing another file does not', async () => {
    write('src/a.ts', 'a');
    write('docs/one.md', '1');
    write('docs/two.md', '2');
    write('other.txt', 'o');
    const patterns = ['src/a.ts', 'docs/*.md'];
    const before = await filesDigest(dir, patterns);
    expect(before.files).toEqual(['docs/one.md', 'docs/two.md', 'src/a.ts']);
    expect(before.digest).toMatch(/^[0-9a-f]{64}$/);
    write('other.txt', 'changed');
    expect((await filesDigest(dir, patterns)).digest).toBe(before.digest);
    write('docs/two.md', 'changed');
    const edited = await filesDigest(dir, patterns);
    expect(edited.digest).not.toBe(before.digest);
    write('docs/three.md', '3');
    expect((await filesDigest(dir, patterns)).digest).not.toBe(edited.digest);
  });

  test('C3 reads.files: the digest does not depend on pattern order or duplicates', async () => {
    write('src/a.ts', 'a');
    write('docs/one.md', '1');
    const one = await filesDigest(dir, ['src/a.ts', 'docs/*.md']);
    const two = await filesDigest(dir, ['docs/*.md', './src/a.ts', 'docs/one.md']);
    expect(two).toEqual(one);
  });

  test('C3 reads.files: a missing path and a glob matching nothing are markers, so creating them changes the key', async () => {
    const empty = await filesDigest(dir, ['src/later.ts']);
    expect(empty.files).toEqual([]);
    expect(empty.digest).not.toBe((await filesDigest(dir, [])).digest);
    write('src/later.ts', 'x');
    const created = await filesDigest(dir, ['src/later.ts']);
    expect(created.files).toEqual(['src/later.ts']);
    expect(created.digest).not.toBe(empty.digest);

    const noMatch = await filesDigest(dir, ['docs/*.md']);
    expect(noMatch.files).toEqual([]);
    expect(noMatch.digest).not.toBe((await filesDigest(dir, ['notes/*.md'])).digest);
    write('docs/x.md', 'x');
    expect((await filesDigest(dir, ['docs/*.md'])).digest).not.toBe(noMatch.digest);
  });

  test('C3 reads.files: ** crosses directories, ? is one character, other glob characters are literal', async () => {
    write('src/a.ts', 'a');
    write('src/deep/er/b.ts', 'b');
    write('src/c.js', 'c');
    write('v1.txt', '1');
    write('v10.txt', '10');
    write('b[1].md', 'bracket');
    write('b1.md', 'plain');
    expect((await filesDigest(dir, ['src/**/*.ts'])).files).toEqual(['src/a.ts', 'src/deep/er/b.ts']);
    expect((await filesDigest(dir, ['v?.txt'])).files).toEqual(['v1.txt']);
    expect((await filesDigest(dir, ['b[1]*'])).files).toEqual(['b[1].md']);
    expect((await filesDigest(dir, ['b[1].md'])).files).toEqual(['b[1].md']);
  });

  test("C3 reads.files: a directory stands for its files; .git and wf's runs/ and cache/ are never matched", async () => {
    write('docs/a.md', 'a');
    write('docs/sub/b.md', 'b');
    write('.git/HEAD', 'x');
    write('.boocode/runs/r1/journal.jsonl', '{}');
    write('.boocode/workflows/w.ts', 'w');
    expect((await filesDigest(dir, ['docs'])).files).toEqual(['docs/a.md', 'docs/sub/b.md']);
    expect((await filesDigest(dir, ['**'])).files).toEqual(['.boocode/workflows/w.ts', 'docs/a.md', 'docs/sub/b.md']);
  });

  test('C3 reads.files outside the project is refused', async () => {
    const outside = path.join(base, `outside-${counter}`);
    write('secret.md', 's', outside);
    write('docs/a.md', 'a');
    symlinkSync(path.join(outside, 'secret.md'), path.join(dir, 'docs/link.md'));
    symlinkSync(outside, path.join(dir, 'outdir'));

    const refused = async (patterns: string[], pattern: string) => {
      const error = await filesDigest(dir, patterns).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ReadsOutsideProjectError.isInstance(error)).toBe(true);
      const wfError = error as ReadsOutsideProjectError;
      expect(wfError.code).toBe('WF_READS_OUTSIDE_PROJECT');
      expect(wfError.pattern).toBe(pattern);
      expect(wfError.message).toContain(JSON.stringify(pattern));
      // Only the author's own pattern may name a host path.
      if (!path.isAbsolute(pattern)) expect(wfError.message).not.toContain(base);
    };

    await refused(['../secret.md'], '../secret.md');
    await refused(['docs/../../x/*.md'], 'docs/../../x/*.md');
    await refused([path.join(outside, 'secret.md')], path.join(outside, 'secret.md'));
    await refused(['docs/link.md'], 'docs/link.md');
    await refused(['docs/*.md'], 'docs/*.md');
    await refused(['outdir/secret.md'], 'outdir/secret.md');
    await refused(['outdir/not-there.md'], 'outdir/not-there.md');
    await refused(['**/*.md'], '**/*.md');
    // A link that stays inside the project is fine.
    symlinkSync(path.join(dir, 'docs/a.md'), path.join(dir, 'inside.md'));
    expect((await filesDigest(dir, ['inside.md'])).files).toEqual(['inside.md']);
  });
});
