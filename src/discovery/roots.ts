/**
 * Which directories hold workflows, in precedence order (spec §1): project `.boocode/workflows`
 * (nearest first), project `.claude/workflows` (nearest first), the user's `$WF_HOME/workflows` or
 * `~/.boocode/workflows`, `~/.claude/workflows`, then the package's built-in `catalog/`.
 * This module only names directories; it never reads them (that is list.ts).
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where discovery looks. Every field is injectable so tests can build a whole world in a temp dir. */
export interface DiscoveryOptions {
  /** The directory the user runs `wf` from; relative file arguments resolve against it. */
  cwd: string;
  /** The user's home directory (`os.homedir()` in the CLI). */
  homeDir: string;
  /** `$WF_HOME`; when set (non-empty), `<wfHome>/workflows` replaces `~/.boocode/workflows`. */
  wfHome?: string;
  /** The package's built-in `catalog/` directory; see {@link defaultCatalogDir}. */
  catalogDir: string;
}

export type WorkflowRootKind = 'project' | 'claude-project' | 'user' | 'claude-user' | 'catalog';

/** One directory searched for workflows. */
export interface WorkflowRoot {
  /** Absolute path of the directory (it may not exist). */
  dir: string;
  kind: WorkflowRootKind;
  /** Short human description for listings and errors, e.g. `project .boocode/workflows`. */
  label: string;
}

/**
 * The roots to search, highest precedence first. Duplicate directories (e.g. `$WF_HOME` pointing at
 * a project's `.boocode`) appear once, at their highest position.
 */
export function workflowRoots(options: DiscoveryOptions): WorkflowRoot[] {
  const cwd = path.resolve(options.cwd);
  const homeDir = path.resolve(options.homeDir);
  const projectDirs = projectWalk(cwd, homeDir);
  const userDir =
    options.wfHome !== undefined && options.wfHome !== ''
      ? path.join(path.resolve(cwd, options.wfHome), 'workflows')
      : path.join(homeDir, '.boocode', 'workflows');

  const candidates: WorkflowRoot[] = [
    ...projectDirs.map((dir) => projectRoot(path.join(dir, '.boocode', 'workflows'), 'project', cwd)),
    ...projectDirs.map((dir) => projectRoot(path.join(dir, '.claude', 'workflows'), 'claude-project', cwd)),
    { dir: userDir, kind: 'user', label: `user ${tildePath(userDir, homeDir)}` },
    {
      dir: path.join(homeDir, '.claude', 'workflows'),
      kind: 'claude-user',
      label: `claude-user ${tildePath(path.join(homeDir, '.claude', 'workflows'), homeDir)}`,
    },
    {
      dir: path.resolve(options.catalogDir),
      kind: 'catalog',
      label: `catalog ${tildePath(path.resolve(options.catalogDir), homeDir)}`,
    },
  ];

  const seen = new Set<string>();
  return candidates.filter((root) => {
    if (seen.has(root.dir)) return false;
    seen.add(root.dir);
    return true;
  });
}

/**
 * The directories whose `.boocode/` and `.claude/` are project roots, nearest first.
 *
 * The walk stop rule:
 * - Walk up from `cwd` and stop at the first directory holding `.git` (a directory, or a file as in
 *   worktrees and submodules), including it: that is the repository root.
 * - The home directory is never part of the walk, even when it is itself a repository (a dotfiles
 *   repo): `~/.boocode/workflows` is the *user* root and must not be promoted to a project root.
 * - Outside a repository, if `cwd` is under the home directory, the walk covers `cwd` up to (not
 *   including) home, so nested folders of a plain project still see its workflows.
 * - Outside a repository and outside home (e.g. `/tmp/x`), only `cwd` itself is searched: walking to
 *   `/` would pick up directories such as `/tmp/.boocode` that other users can create.
 */
function projectWalk(cwd: string, homeDir: string): string[] {
  const dirs: string[] = [];
  let reachedHome = false;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (dir === homeDir) {
      reachedHome = true;
      break;
    }
    dirs.push(dir);
    if (exists(path.join(dir, '.git'))) return dirs;
    if (path.dirname(dir) === dir) break;
  }
  if (reachedHome) return dirs;
  return [cwd];
}

function projectRoot(dir: string, kind: 'project' | 'claude-project', cwd: string): WorkflowRoot {
  const relative = path.relative(cwd, dir);
  return { dir, kind, label: `${kind} ${relative}` };
}

function tildePath(dir: string, homeDir: string): string {
  const relative = path.relative(homeDir, dir);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return dir;
  return path.join('~', relative);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `catalog/` shipped with the package. This file sits at `src/discovery/roots.ts` when run from
 * source and at `dist/discovery/roots.js` when built, so the catalog is two levels up in both.
 */
export function defaultCatalogDir(): string {
  return path.resolve(fileURLToPath(new URL('../../catalog/', import.meta.url)));
}

/** The options the CLI uses: the real cwd, home, `$WF_HOME` and the package catalog. */
export function defaultDiscoveryOptions(): DiscoveryOptions {
  return {
    cwd: process.cwd(),
    homeDir: homedir(),
    wfHome: process.env.WF_HOME,
    catalogDir: defaultCatalogDir(),
  };
}
