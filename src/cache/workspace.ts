/**
 * What an agent can read, as a digest for its step key (spec C1, C3): the workspace fingerprint
 * (git tree of HEAD plus the dirty state, or a content walk outside git) and the digest of the
 * files an author declared with `reads: { files }`. It never reads git's index lock, never follows
 * a symlink out of the project, and never lets wf's own `.boocode/runs|cache|worktrees` change a key.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gitEnv } from '../git-env.js';
import { WfUsageError } from '../errors.js';
import { ReadsOutsideProjectError, WorkspaceTooLargeError } from './workspace-errors.js';

const execFileAsync = promisify(execFile);

/** Outside git, the walk stops (and throws) past this many files or bytes. */
const DEFAULT_MAX_FILES = 20_000;
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

// wf writes runs and cache entries while a run goes on; hashing them would change every key.
const OWN_STATE = /(^|\/)\.boocode\/(runs|cache|worktrees)(\/|$)/;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
const GLOB_IGNORE = ['**/.git/**', '**/.boocode/runs/**', '**/.boocode/cache/**', '**/.boocode/worktrees/**'];

/** Caps of the outside-git walk; the defaults are 20,000 files and 200 MiB. */
export interface WorkspaceLimits {
  maxFiles?: number;
  maxBytes?: number;
}

/**
 * The fingerprint of everything an agent working in `root` could read: `git:<tree of HEAD>+<sha256
 * of the dirty state>` inside a git work tree (the whole work tree, even when `root` is a
 * subdirectory), `files:<sha256>` outside git or when git is not installed. Throws
 * {@link WorkspaceTooLargeError} when the outside-git walk passes `limits`.
 */
export async function workspaceFingerprint(root: string, limits: WorkspaceLimits = {}): Promise<string> {
  const top = await gitTopLevel(root);
  if (top === undefined) return `files:${await walkDigest(root, limits)}`;
  const tree = await headTree(top);
  return `git:${tree}+${await dirtyDigest(top)}`;
}

/**
 * One run's memo of {@link workspaceFingerprint}: concurrent callers share one computation until
 * `invalidate()` (called whenever an agent finishes, since it may have edited files).
 */
export class WorkspaceFingerprints {
  private memo: Promise<string> | undefined;

  constructor(private readonly root: string) {}

  /** The fingerprint, computed at most once between invalidations. */
  current(): Promise<string> {
    if (this.memo === undefined) {
      const computing = workspaceFingerprint(this.root);
      this.memo = computing;
      // A failure is not remembered: the next caller tries again.
      computing.catch(() => {
        if (this.memo === computing) this.memo = undefined;
      });
    }
    return this.memo;
  }

  /** Forgets the fingerprint; the next `current()` starts a new computation, even if one is in flight. */
  invalidate(): void {
    this.memo = undefined;
  }
}

/**
 * The digest of the files an agent declared with `reads: { files: patterns }`. A pattern is a path
 * relative to `root` (a directory stands for every file under it) or a glob with `*`, `**` and `?`;
 * no other character is special. A missing path adds `<path>:missing` and a glob that matches
 * nothing adds `<pattern>:no-match`, so creating the file later changes the digest. Throws
 * {@link ReadsOutsideProjectError} for an absolute pattern, a `..` out of `root`, or a match whose
 * real path (symlinks resolved) lies outside `root`. `files` are the matched paths, sorted.
 */
export async function filesDigest(root: string, patterns: string[]): Promise<{ digest: string; files: string[] }> {
  const realRoot = await realpath(root);
  const hashes = new Map<string, string>();
  const markers = new Set<string>();

  const addFile = async (relative: string, pattern: string): Promise<void> => {
    if (hashes.has(relative)) return;
    const absolute = path.join(realRoot, relative);
    const real = await realOrNearest(absolute);
    if (real !== undefined && !isInside(realRoot, real)) {
      throw new ReadsOutsideProjectError(pattern, `matches ${JSON.stringify(relative)}, which resolves outside the project`);
    }
    const digest = await hashFileOrMissing(absolute);
    if (digest === undefined) markers.add(`${relative}:missing`);
    else hashes.set(relative, digest);
  };

  const addGlob = async (globPattern: string, pattern: string, noMatch: string): Promise<void> => {
    const { glob } = await import('tinyglobby'); // only runs with declared reads pay for it
    const matches = await glob([globPattern], {
      cwd: realRoot,
      dot: true,
      onlyFiles: true,
      // Followed so that a link out of the project is seen, and refused, rather than skipped.
      followSymbolicLinks: true,
      expandDirectories: false,
      braceExpansion: false,
      extglob: false,
      ignore: GLOB_IGNORE,
    });
    if (matches.length === 0) markers.add(`${noMatch}:no-match`);
    for (const match of matches) await addFile(match, pattern);
  };

  for (const pattern of patterns) {
    if (pattern.trim() === '') throw new WfUsageError('reads.files: a pattern cannot be empty');
    if (path.isAbsolute(pattern) || path.win32.isAbsolute(pattern)) {
      throw new ReadsOutsideProjectError(pattern, 'is absolute');
    }
    const normal = path.posix.normalize(pattern).replace(/\/+$/, '') || '.';
    if (normal === '..' || normal.startsWith('../')) {
      throw new ReadsOutsideProjectError(pattern, 'reaches outside the project');
    }
    if (/[*?]/.test(normal)) {
      await addGlob(escapeGlob(normal), pattern, normal);
      continue;
    }
    const absolute = path.join(realRoot, normal);
    const real = await realOrNearest(absolute);
    if (real !== undefined && !isInside(realRoot, real)) {
      throw new ReadsOutsideProjectError(pattern, 'resolves outside the project');
    }
    const info = await stat(absolute).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (info === undefined) markers.add(`${normal}:missing`);
    else if (info.isDirectory()) await addGlob(normal === '.' ? '**' : `${escapeGlob(normal)}/**`, pattern, normal);
    else await addFile(normal, pattern);
  }

  const lines = [...[...hashes].map(([relative, digest]) => `${relative}\0${digest}`), ...markers].sort();
  return { digest: sha256(lines.join('\n')), files: [...hashes.keys()].sort() };
}

// --- git -------------------------------------------------------------------------------------

async function git(cwd: string, args: string[]): Promise<string> {
  const env = gitEnv();
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    windowsHide: true,
  });
  return stdout;
}

/** The work tree's top directory, or undefined when git is absent or `root` is not in a work tree. */
async function gitTopLevel(root: string): Promise<string | undefined> {
  try {
    const top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
    return top === '' ? undefined : top;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code as unknown;
    // ENOENT: no git on PATH (or no root, which the walk then reports). A number: git's exit code.
    if (code === 'ENOENT' || typeof code === 'number') return undefined;
    throw error;
  }
}

async function headTree(top: string): Promise<string> {
  try {
    return (await git(top, ['rev-parse', '--verify', '--quiet', 'HEAD^{tree}'])).trim();
  } catch (error) {
    // Exit 1 with --verify --quiet: HEAD does not resolve, i.e. a repository with no commit yet.
    if ((error as { code?: unknown }).code === 1) return 'empty';
    throw error;
  }
}

/** sha256 over path, status and current content of every changed, added, deleted or untracked path. */
async function dirtyDigest(top: string): Promise<string> {
  const fields = (await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all'])).split('\0');
  const records: Array<{ path: string; record: string }> = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    const status = field.slice(0, 2);
    const file = field.slice(3);
    // A rename or copy is followed by its source path as a field of its own.
    const from = status.includes('R') || status.includes('C') ? (fields[++i] ?? '') : '';
    if (OWN_STATE.test(file) && (from === '' || OWN_STATE.test(from))) continue;
    const content = await pathState(path.join(top, file));
    records.push({ path: file, record: `${file}\0${status}\0${from}\0${content}` });
  }
  records.sort((a, b) => compare(a.path, b.path) || compare(a.record, b.record));
  return sha256(records.map((entry) => entry.record).join('\n'));
}

/** The content hash of a path as git status sees it: a file, a link, a directory, or gone. */
async function pathState(absolute: string): Promise<string> {
  let info;
  try {
    info = await lstat(absolute);
  } catch (error) {
    if (isMissing(error)) return 'deleted';
    throw error;
  }
  if (info.isSymbolicLink()) return `link:${sha256(await readlink(absolute))}`;
  // A submodule or a nested repository: its path says it changed; its content is its own.
  if (info.isDirectory()) return 'dir';
  if (!info.isFile()) return 'special';
  return (await hashFileOrMissing(absolute)) ?? 'deleted';
}

// --- outside git ----------------------------------------------------------------------------

async function walkDigest(root: string, limits: WorkspaceLimits): Promise<string> {
  const maxFiles = limits.maxFiles ?? DEFAULT_MAX_FILES;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const entries: Array<{ relative: string; kind: 'file' | 'link' }> = [];
  let bytes = 0;
  const pending = [''];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    for (const dirent of await readdir(path.join(root, directory), { withFileTypes: true })) {
      const relative = directory === '' ? dirent.name : `${directory}/${dirent.name}`;
      if (dirent.isDirectory()) {
        if (!SKIPPED_DIRS.has(dirent.name) && !OWN_STATE.test(relative)) pending.push(relative);
        continue;
      }
      if (dirent.isSymbolicLink()) entries.push({ relative, kind: 'link' });
      else if (dirent.isFile()) {
        bytes += (await lstat(path.join(root, relative))).size;
        entries.push({ relative, kind: 'file' });
      } else continue;
      if (entries.length > maxFiles || bytes > maxBytes) throw new WorkspaceTooLargeError({ maxFiles, maxBytes });
    }
  }
  entries.sort((a, b) => compare(a.relative, b.relative));
  const lines: string[] = [];
  for (const entry of entries) {
    const absolute = path.join(root, entry.relative);
    const content =
      entry.kind === 'link' ? `link:${sha256(await readlink(absolute))}` : ((await hashFileOrMissing(absolute)) ?? 'deleted');
    lines.push(`${entry.relative}\0${content}`);
  }
  return sha256(lines.join('\n'));
}

// --- helpers --------------------------------------------------------------------------------

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 hex of a file's bytes, streamed; undefined when it vanished before it could be read. */
async function hashFileOrMissing(absolute: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(absolute)) hash.update(chunk as Buffer);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  return hash.digest('hex');
}

/**
 * The real path of `absolute`; for a path that does not exist (or a dangling link), the real path
 * it would have, so that a missing file behind a link out of the project is still refused.
 * Undefined for a symlink loop.
 */
async function realOrNearest(absolute: string): Promise<string | undefined> {
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return undefined;
    if (!isMissing(error)) throw error;
  }
  const info = await lstat(absolute).catch(() => undefined);
  if (info?.isSymbolicLink()) return realOrNearest(path.resolve(path.dirname(absolute), await readlink(absolute)));
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  const realParent = await realOrNearest(parent);
  return realParent === undefined ? undefined : path.join(realParent, path.basename(absolute));
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // ELOOP: a symlink cycle inside the project; there is no file to read, as for a missing one.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

/** Only `*` and `?` are wildcards in `reads.files`; every other glob character is literal. */
function escapeGlob(pattern: string): string {
  return pattern.replace(/[[\]{}()!+@\\]/g, '\\$&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
