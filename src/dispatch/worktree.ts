/**
 * `isolation: 'worktree'`: an agent works in a fresh git worktree of the current HEAD, under
 * `<repository>/.boocode/worktrees/<runId>/<index>-<label>`. A worktree the agent left unchanged is
 * removed when it finishes; a changed one (edits, new files, or commits) is kept for the user, with
 * everything staged so that `git diff --cached <base>` in it shows the agent's work.
 *
 * Note what the worktree holds: the files of HEAD, not the uncommitted changes of the main work
 * tree. An isolated agent does not see edits the user has not committed.
 *
 * Git is always run through execFile with fixed arguments (never a shell) and a timeout. Git locks
 * `.git/worktrees` and `.git/config` while it adds or removes a worktree, so creations and removals
 * in one repository are serialised in this process, and retried a few times when git reports a
 * lock held by another process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, stat, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { gitEnv } from '../git-env.js';
import { WfError, type WfErrorOptions } from '../errors.js';
import { AgentStoppedError, type WorktreeChange } from './dispatcher.js';

/** A worktree could not be made, inspected or removed. */
export class WorktreeError extends WfError {
  constructor(code: WorktreeErrorCode, message: string, options: WfErrorOptions = {}) {
    super(code, message, options);
    this.name = 'WorktreeError';
  }
}

export type WorktreeErrorCode =
  /** `projectRoot` is not inside a git work tree. */
  | 'WF_NOT_GIT_REPO'
  /** The repository has no commit yet: there is no HEAD to check out. */
  | 'WF_WORKTREE_NO_COMMIT'
  /** Git is not installed, or a git command failed. */
  | 'WF_WORKTREE';

export interface AgentWorktreeOptions {
  /** Any directory inside the repository (normally the project root). */
  projectRoot: string;
  runId: string;
  /** The agent's index in its run. */
  index: number;
  /** The agent's label; only used (slugged) in the directory name. */
  label: string;
  /** Aborting before the worktree exists stops its creation (with {@link AgentStoppedError}). */
  signal?: AbortSignal;
}

export interface AgentWorktree {
  /** Absolute path of the worktree: the agent's working directory. */
  path: string;
  /** The commit the worktree was checked out at (HEAD of the repository at creation). */
  baseCommit: string;
  /** The top directory of the repository the worktree belongs to. */
  repository: string;
  /**
   * Removes the worktree if the agent changed nothing and resolves undefined; otherwise stages the
   * agent's changes in the worktree, keeps it, and resolves its path and diff stat. Idempotent:
   * later calls return the first call's promise.
   */
  finish(): Promise<WorktreeChange | undefined>;
}

/** Longest slug of a label in a worktree's directory name. */
const SLUG_MAX = 40;
/** Cap on the recorded diff stat. */
const DIFF_STAT_MAX = 4096;
const GIT_TIMEOUT_MS = 120_000;
/** Attempts of a git command that failed on a lock held by another process. */
const LOCK_ATTEMPTS = 5;
const LOCK_BACKOFF_MS = 100;
/** Directory names tried when `<index>-<slug>` is already taken (a kept worktree of an earlier attempt). */
const NAME_ATTEMPTS = 20;

/** Creates the worktree an isolated agent works in. See {@link AgentWorktree}. */
export async function createAgentWorktree(options: AgentWorktreeOptions): Promise<AgentWorktree> {
  const { projectRoot, signal } = options;
  throwIfAborted(signal);
  const { toplevel, commonDir } = await locateRepository(projectRoot);
  const baseCommit = await headCommit(toplevel);
  const container = path.join(toplevel, '.boocode', 'worktrees');
  const runDir = path.join(container, safeSegment(options.runId));
  const name = `${Math.max(0, Math.trunc(options.index))}-${slug(options.label)}`;

  const worktreePath = await serialise(commonDir, async () => {
    throwIfAborted(signal);
    await ensureIgnored(container);
    await mkdir(runDir, { recursive: true });
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const candidate = path.join(runDir, attempt === 0 ? name : `${name}-${attempt + 1}`);
      if (await exists(candidate)) continue;
      try {
        await gitWithLockRetry(toplevel, ['worktree', 'add', '--detach', '--quiet', candidate, baseCommit]);
        return candidate;
      } catch (error) {
        // Taken meanwhile, or registered by a worktree whose directory was deleted: try the next name.
        if (/already exists|already registered/i.test(error instanceof Error ? gitStderr.get(error) ?? '' : '')) continue;
        await removeEmptyDir(runDir);
        throw error;
      }
    }
    throw new WorktreeError('WF_WORKTREE', `could not find a free worktree directory for ${name} in ${runDir}`, {
      hint: 'remove old worktrees with `git worktree remove <path>`',
    });
  });

  let finished: Promise<WorktreeChange | undefined> | undefined;
  const worktree: AgentWorktree = {
    path: worktreePath,
    baseCommit,
    repository: toplevel,
    finish: () => (finished ??= finish(toplevel, commonDir, worktreePath, baseCommit)),
  };
  // Aborted while git was adding it: nothing ran in it, so it goes away again.
  if (signal?.aborted) {
    await worktree.finish().catch(() => undefined);
    throwIfAborted(signal);
  }
  return worktree;
}

/** A label as a directory name: lowercase a-z, 0-9 and single dashes, at most 40 characters. */
export function slug(label: string): string {
  const text = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return text === '' ? 'agent' : text;
}

// --- finishing -------------------------------------------------------------------------------

async function finish(toplevel: string, commonDir: string, worktreePath: string, baseCommit: string): Promise<WorktreeChange | undefined> {
  if (!(await exists(worktreePath))) {
    // The agent (or someone) deleted the directory: nothing to keep; drop git's record of it.
    await serialise(commonDir, () => gitWithLockRetry(toplevel, ['worktree', 'prune'])).catch(() => undefined);
    await removeEmptyDir(path.dirname(worktreePath));
    return undefined;
  }
  const status = await git(worktreePath, ['status', '--porcelain', '--untracked-files=normal']);
  const head = (await git(worktreePath, ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim();
  const changed = status.trim() !== '' || head !== baseCommit;
  if (!changed) {
    await serialise(commonDir, () => gitWithLockRetry(toplevel, ['worktree', 'remove', '--force', worktreePath]));
    await removeEmptyDir(path.dirname(worktreePath));
    return undefined;
  }
  // Staging is harmless here (the worktree is the agent's) and makes the stat include new files.
  await gitWithLockRetry(worktreePath, ['add', '-A']);
  const stat = await git(worktreePath, [
    '-c',
    'core.quotepath=off',
    'diff',
    '--cached',
    '--no-color',
    '--no-ext-diff',
    '--stat=160,120',
    '--stat-graph-width=30',
    baseCommit,
    '--',
  ]);
  return { path: worktreePath, diffStat: capStat(stat.trim()) };
}

/** Keeps the stat under 4 KB, always with its summary line ("3 files changed, …"). */
function capStat(stat: string): string {
  if (stat.length <= DIFF_STAT_MAX) return stat;
  const lines = stat.split('\n');
  const summary = lines.pop() ?? '';
  const kept: string[] = [];
  let size = summary.length + 40;
  for (const line of lines) {
    if (size + line.length + 1 > DIFF_STAT_MAX) break;
    kept.push(line);
    size += line.length + 1;
  }
  return [...kept, ` … ${lines.length - kept.length} more files`, summary].join('\n');
}

// --- the repository --------------------------------------------------------------------------

async function locateRepository(projectRoot: string): Promise<{ toplevel: string; commonDir: string }> {
  let output: string;
  try {
    output = await git(projectRoot, ['rev-parse', '--show-toplevel', '--git-common-dir']);
  } catch (error) {
    if (error instanceof WorktreeError && /git was not found/.test(error.message)) {
      throw new WorktreeError('WF_WORKTREE', `isolation: 'worktree' needs git, and it was not found on PATH`, {
        hint: 'install git, or drop the isolation option',
        cause: error,
      });
    }
    throw new WorktreeError('WF_NOT_GIT_REPO', `isolation: 'worktree' needs a git repository, and ${projectRoot} is not inside one`, {
      hint: 'run the workflow inside a git work tree with at least one commit (git init && git commit), or drop the isolation option',
      cause: error,
    });
  }
  const [toplevel, common] = output.split('\n').map((line) => line.trim());
  if (!toplevel || !common) {
    throw new WorktreeError('WF_NOT_GIT_REPO', `isolation: 'worktree' needs a git repository, and ${projectRoot} is not inside one`, {
      hint: 'run the workflow inside a git work tree, or drop the isolation option',
    });
  }
  return { toplevel: path.resolve(toplevel), commonDir: path.resolve(projectRoot, common) };
}

async function headCommit(toplevel: string): Promise<string> {
  try {
    return (await git(toplevel, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch (error) {
    throw new WorktreeError('WF_WORKTREE_NO_COMMIT', `isolation: 'worktree' needs a commit to check out, and the repository ${toplevel} has none yet`, {
      hint: 'make a first commit (git commit), or drop the isolation option',
      cause: error,
    });
  }
}

/** Makes `.boocode/worktrees/.gitignore` ignore everything, so the main repository's status stays clean. */
async function ensureIgnored(container: string): Promise<void> {
  await mkdir(container, { recursive: true });
  const file = path.join(container, '.gitignore');
  try {
    await writeFile(file, '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const content = await readFile(file, 'utf8');
    if (!content.split(/\r?\n/).some((line) => line.trim() === '*')) {
      await appendFile(file, `${content === '' || content.endsWith('\n') ? '' : '\n'}*\n`);
    }
  }
}

// --- git -------------------------------------------------------------------------------------

/** Git's stderr of a failed command, kept off the error's message for {@link gitWithLockRetry}. */
const gitStderr = new WeakMap<Error, string>();

/** Runs git in `cwd` and resolves its stdout; rejects with a {@link WorktreeError} carrying git's stderr. */
function git(cwd: string, args: string[]): Promise<string> {
  const env = gitEnv({ GIT_TERMINAL_PROMPT: '0' });
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code as unknown;
        // spawn reports a missing working directory as ENOENT too.
        const detail =
          code === 'ENOENT'
            ? existsSync(cwd)
              ? 'git was not found on PATH'
              : `${cwd} does not exist`
            : error.killed
              ? `timed out after ${GIT_TIMEOUT_MS} ms`
              : stderr.trim() || error.message;
        const failure = new WorktreeError('WF_WORKTREE', `git ${args.join(' ')} failed: ${detail}`, { cause: error });
        gitStderr.set(failure, stderr);
        reject(failure);
      },
    );
  });
}

/** Like {@link git}, retried with a growing pause when another process holds one of git's locks. */
async function gitWithLockRetry(cwd: string, args: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await git(cwd, args);
    } catch (error) {
      // Only git's own words count: a path may contain "lock" too.
      const stderr = error instanceof Error ? gitStderr.get(error) ?? '' : '';
      if (attempt >= LOCK_ATTEMPTS || !/\block\b/i.test(stderr)) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}

const chains = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task queued under `key` has settled (one repository, one at a time). */
function serialise<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const result = previous.then(task, task);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return result;
}

// --- helpers ---------------------------------------------------------------------------------

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AgentStoppedError('agent stopped before its worktree was ready');
}

/** A run id as one directory name (run ids are `wf_<a-z0-9->`; anything else is made safe). */
function safeSegment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._-]+/g, '-');
  return safe === '' || /^\.+$/.test(safe) ? 'run' : safe;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // not empty (another agent's worktree, a kept one) or already gone
  }
}
