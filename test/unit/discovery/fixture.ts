/**
 * A throwaway world for discovery tests: a home directory holding a git repository with a nested
 * package, plus a catalog outside home. Every path is real, under os.tmpdir().
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveryOptions } from '../../../src/discovery/index.js';

export interface World {
  base: string;
  home: string;
  /** home/code/app, holds `.git/`. */
  repo: string;
  /** repo/packages/api, the default cwd. */
  pkg: string;
  catalog: string;
  options(overrides?: Partial<DiscoveryOptions>): DiscoveryOptions;
  /** Writes `content` at `relative` (under base), creating parents; returns the absolute path. */
  write(relative: string, content: string): string;
  mkdir(relative: string): string;
  cleanup(): void;
}

export function createWorld(): World {
  // realpath: on macOS os.tmpdir() is a symlink, and the in-root link checks compare real paths.
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'wf-discovery-')));
  const home = path.join(base, 'home');
  const repo = path.join(home, 'code', 'app');
  const pkg = path.join(repo, 'packages', 'api');
  const catalog = path.join(base, 'pkg', 'catalog');
  for (const dir of [path.join(repo, '.git'), pkg, catalog]) mkdirSync(dir, { recursive: true });

  return {
    base,
    home,
    repo,
    pkg,
    catalog,
    options: (overrides = {}) => ({ cwd: pkg, homeDir: home, catalogDir: catalog, ...overrides }),
    write(relative, content) {
      const file = path.join(base, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    mkdir(relative) {
      const dir = path.join(base, relative);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A valid workflow source whose meta.name is `name`. */
export function workflowSource(name: string, description = `the ${name} workflow`): string {
  return `// a saved workflow\nexport const meta = { name: ${JSON.stringify(name)}, description: ${JSON.stringify(description)} };\n\nreturn await agent("hello");\n`;
}

/** Paths of the standard roots of a world, relative to `base`. */
export const ROOTS = {
  pkgProject: 'home/code/app/packages/api/.boocode/workflows',
  repoProject: 'home/code/app/.boocode/workflows',
  pkgClaude: 'home/code/app/packages/api/.claude/workflows',
  repoClaude: 'home/code/app/.claude/workflows',
  user: 'home/.boocode/workflows',
  claudeUser: 'home/.claude/workflows',
  catalog: 'pkg/catalog',
} as const;
