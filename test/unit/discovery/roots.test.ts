import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defaultCatalogDir, workflowRoots } from '../../../src/discovery/index.js';
import { createWorld, type World } from './fixture.js';

let world: World;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.cleanup());

const dirsOf = (roots: { dir: string }[]) => roots.map((root) => root.dir);

describe('§1 roots: which directories, in which order', () => {
  test('§1 precedence: project (nearest first) > .claude project (nearest first) > user > claude-user > catalog', () => {
    const roots = workflowRoots(world.options());
    expect(roots.map((root) => root.kind)).toEqual([
      'project',
      'project',
      'project',
      'claude-project',
      'claude-project',
      'claude-project',
      'user',
      'claude-user',
      'catalog',
    ]);
    expect(dirsOf(roots)).toEqual([
      path.join(world.pkg, '.boocode/workflows'),
      path.join(world.repo, 'packages/.boocode/workflows'),
      path.join(world.repo, '.boocode/workflows'),
      path.join(world.pkg, '.claude/workflows'),
      path.join(world.repo, 'packages/.claude/workflows'),
      path.join(world.repo, '.claude/workflows'),
      path.join(world.home, '.boocode/workflows'),
      path.join(world.home, '.claude/workflows'),
      world.catalog,
    ]);
  });

  test('§1 the project walk stops at the repository root (.git directory)', () => {
    // A .boocode above the repository must not leak into it.
    const dirs = dirsOf(workflowRoots(world.options()));
    expect(dirs).not.toContain(path.join(world.home, 'code/.boocode/workflows'));
  });

  test('§1 a .git file (worktree, submodule) also marks the repository root', () => {
    const sub = world.mkdir('home/code/app/vendor/lib');
    writeFileSync(path.join(sub, '.git'), 'gitdir: ../../.git/modules/lib\n');
    const dirs = dirsOf(workflowRoots(world.options({ cwd: sub }))).filter((dir) => dir.includes('.boocode'));
    expect(dirs).toEqual([path.join(sub, '.boocode/workflows'), path.join(world.home, '.boocode/workflows')]);
  });

  test('§1 outside a repository but under home, the walk goes up to (not including) home', () => {
    const plain = world.mkdir('home/notes/deep');
    const projectDirs = workflowRoots(world.options({ cwd: plain }))
      .filter((root) => root.kind === 'project')
      .map((root) => root.dir);
    expect(projectDirs).toEqual([
      path.join(plain, '.boocode/workflows'),
      path.join(world.home, 'notes/.boocode/workflows'),
    ]);
  });

  test('§1 outside a repository and outside home, only cwd is searched', () => {
    const elsewhere = world.mkdir('srv/tool/sub');
    const projectDirs = workflowRoots(world.options({ cwd: elsewhere }))
      .filter((root) => root.kind === 'project')
      .map((root) => root.dir);
    expect(projectDirs).toEqual([path.join(elsewhere, '.boocode/workflows')]);
  });

  test('§1 home is never a project root, even when home is itself a repository', () => {
    mkdirSync(path.join(world.home, '.git'));
    const plain = world.mkdir('home/notes');
    const roots = workflowRoots(world.options({ cwd: plain }));
    const userDir = path.join(world.home, '.boocode/workflows');
    expect(roots.filter((root) => root.dir === userDir).map((root) => root.kind)).toEqual(['user']);
    expect(dirsOf(workflowRoots(world.options({ cwd: world.home }))).filter((dir) => dir === userDir)).toHaveLength(1);
  });

  test('§1 $WF_HOME/workflows replaces ~/.boocode/workflows; ~/.claude/workflows stays', () => {
    const wfHome = world.mkdir('wfhome');
    const roots = workflowRoots(world.options({ wfHome }));
    const user = roots.filter((root) => root.kind === 'user');
    expect(user.map((root) => root.dir)).toEqual([path.join(wfHome, 'workflows')]);
    expect(dirsOf(roots)).not.toContain(path.join(world.home, '.boocode/workflows'));
    expect(dirsOf(roots)).toContain(path.join(world.home, '.claude/workflows'));
  });

  test('§1 an empty $WF_HOME is treated as unset', () => {
    const user = workflowRoots(world.options({ wfHome: '' })).filter((root) => root.kind === 'user');
    expect(user.map((root) => root.dir)).toEqual([path.join(world.home, '.boocode/workflows')]);
  });

  test('§1 a directory reachable two ways is searched once, at its highest precedence', () => {
    const roots = workflowRoots(world.options({ wfHome: path.join(world.repo, '.boocode') }));
    const repoDir = path.join(world.repo, '.boocode/workflows');
    expect(roots.filter((root) => root.dir === repoDir).map((root) => root.kind)).toEqual(['project']);
    expect(roots.some((root) => root.kind === 'user')).toBe(false);
  });

  test('§1 labels are short: project roots relative to cwd, user roots with ~', () => {
    const labels = workflowRoots(world.options()).map((root) => root.label);
    expect(labels[0]).toBe('project .boocode/workflows');
    expect(labels[2]).toBe(`project ${path.join('..', '..', '.boocode', 'workflows')}`);
    expect(labels).toContain(`user ${path.join('~', '.boocode', 'workflows')}`);
    expect(labels).toContain(`claude-user ${path.join('~', '.claude', 'workflows')}`);
  });

  test('§1 the default catalog is the package catalog/ directory', () => {
    expect(defaultCatalogDir()).toBe(path.resolve(import.meta.dirname, '../../../catalog'));
  });
});
