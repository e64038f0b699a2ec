/**
 * Path scoping for the file tools. Every path a model gives is resolved against the agent's root
 * and must land, after all symbolic links are followed, on the root itself or below it. The check
 * is done on real paths (not on the text of the path) because `..`, absolute paths and symlinks
 * are three ways to say "outside" and only the real path catches all of them at once.
 *
 * The guard is not enough on its own: between the check and the `open` a component could be
 * swapped for a symlink. {@link openForRead} therefore opens without following a final symlink and
 * compares the opened handle's device and inode with what was checked.
 *
 * Error messages name the path as the model wrote it, never a host path outside the root: the
 * model (and whoever injected a prompt into it) learns nothing about the host's layout.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ToolError } from './tool.js';

/** Symlink hops followed by hand while resolving a path that does not exist (as the kernel's ELOOP limit). */
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `userPath` (relative to `root`, or absolute inside it) to a real absolute path inside
 * `root`. `root` must already be a real path. A path that does not exist is resolved through its
 * deepest existing parent, so "not found" can be reported for it later, never "outside".
 * Throws {@link ToolError} when the result is not `root` or below it.
 */
export async function resolveInside(root: string, userPath: string): Promise<string> {
  if (typeof userPath !== 'string') throw new ToolError('path must be a string');
  // A NUL byte would be cut by the OS and make the checked path differ from the opened one.
  if (userPath.includes('\0')) throw new ToolError(`path ${JSON.stringify(userPath)} contains a NUL byte`);
  const wanted = userPath === '' ? '.' : userPath;
  const lexical = resolve(root, wanted);
  if (!isWithin(root, lexical)) {
    throw new ToolError(
      isAbsolute(wanted)
        ? `path ${JSON.stringify(userPath)} is outside the project root; give a path relative to the root`
        : `path ${JSON.stringify(userPath)} escapes the project root`,
    );
  }
  let real: string;
  try {
    real = await realpathAllowMissing(lexical, 0);
  } catch (error) {
    if (ToolError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ToolError(`path ${JSON.stringify(userPath)} has a symbolic link loop`);
    if (code === 'EACCES' || code === 'EPERM') throw new ToolError(`path ${JSON.stringify(userPath)}: permission denied`);
    throw new ToolError(`path ${JSON.stringify(userPath)} cannot be resolved (${code ?? 'error'})`);
  }
  if (!isWithin(root, real)) {
    throw new ToolError(`path ${JSON.stringify(userPath)} resolves outside the project root through a symbolic link`);
  }
  return real;
}

/** True when `candidate` is `root` or below it. Comparing with `root + sep` keeps `/rootx` out of `/root`. */
export function isWithin(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return candidate.startsWith(prefix);
}

/** `abs` relative to `root` with `/` separators, `.` for the root itself: the only form the model sees. */
export function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (rel === '') return '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * `realpath` that accepts a path whose tail does not exist: the deepest existing parent is
 * resolved and the missing names are appended. A dangling symlink on the way is followed by hand
 * (its target text resolved), because opening the path later would follow it too.
 */
async function realpathAllowMissing(path: string, hops: number): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = await realpathAllowMissing(parent, hops);
  const candidate = join(realParent, basename(path));
  let info: Stats;
  try {
    info = await lstat(candidate);
  } catch {
    return candidate; // Truly missing: nothing to follow.
  }
  if (!info.isSymbolicLink()) return candidate;
  if (hops >= MAX_SYMLINK_HOPS) throw Object.assign(new Error('symbolic link loop'), { code: 'ELOOP' });
  const target = await readlink(candidate);
  return realpathAllowMissing(resolve(realParent, target), hops + 1);
}

/**
 * Files no tool reads by default, even inside the root: secrets and wf's own cache and run
 * records. Matched case-insensitively (macOS and Windows file systems are), on the path relative
 * to the root. A name rule tests the last path segment; a path rule tests any run of segments.
 */
export const DEFAULT_READ_DENYLIST: readonly string[] = Object.freeze([
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  'id_* (no extension: SSH private keys)',
  '.npmrc',
  '.netrc',
  '.git/config',
  '.aws/credentials',
  '.boocode/cache/**',
  '.boocode/runs/**',
]);

/**
 * `id_*` alone would deny `id_generator.ts`; SSH private keys have no extension (`id_work`), so a
 * bare `id_*` name is denied and a named key type is denied with any suffix.
 */
const DENIED_NAMES: readonly RegExp[] = [
  /^\.env$/,
  /^\.env\..+$/,
  /\.pem$/,
  /\.key$/,
  /^id_(rsa|dsa|ecdsa|ed25519|xmss)/,
  /^id_[^.]+$/,
  /^\.npmrc$/,
  /^\.netrc$/,
];

/** Runs of segments; `**` means "and anything below". */
const DENIED_SEQUENCES: readonly { segments: readonly string[]; below: boolean }[] = [
  { segments: ['.git', 'config'], below: false },
  { segments: ['.aws', 'credentials'], below: false },
  { segments: ['.boocode', 'cache'], below: true },
  { segments: ['.boocode', 'runs'], below: true },
];

/** True when the root-relative posix path `rel` is on the default read denylist. */
export function isDenied(rel: string): boolean {
  if (rel === '.' || rel === '') return false;
  const segments = rel.toLowerCase().split('/').filter((segment) => segment !== '' && segment !== '.');
  const last = segments[segments.length - 1];
  if (last !== undefined && DENIED_NAMES.some((pattern) => pattern.test(last))) return true;
  for (const rule of DENIED_SEQUENCES) {
    for (let start = 0; start + rule.segments.length <= segments.length; start++) {
      if (!rule.segments.every((segment, index) => segments[start + index] === segment)) continue;
      // `.git/config` exactly; `.boocode/cache` and everything below it.
      if (rule.below || start + rule.segments.length === segments.length) return true;
    }
  }
  return false;
}

/** A path the model gave, resolved and checked: the real path and how the model is shown it. */
export interface GuardedPath {
  abs: string;
  display: string;
}

/**
 * {@link resolveInside} plus the read denylist. The denylist is tested on both the real path and
 * the path as written, so neither a symlink named `notes.txt` pointing at `.env` nor a symlink
 * named `.env` gets through.
 */
export async function resolveReadable(root: string, userPath: string): Promise<GuardedPath> {
  const abs = await resolveInside(root, userPath);
  const display = displayPath(root, abs);
  const written = displayPath(root, resolve(root, userPath === '' ? '.' : userPath));
  if (isDenied(display) || isDenied(written)) {
    throw new ToolError(`access to ${JSON.stringify(userPath)} is denied: it may hold secrets (default read denylist)`);
  }
  return { abs, display };
}

/** `stat` that reports a missing path as a ToolError naming the path the model gave. */
export async function statGuarded(path: GuardedPath, userPath: string): Promise<Stats> {
  try {
    return await stat(path.abs);
  } catch (error) {
    throw fsError(error, userPath);
  }
}

/** Turns an fs error into a message about the path as the model gave it (no host path). */
export function fsError(error: unknown, userPath: string): ToolError {
  if (ToolError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const shown = JSON.stringify(userPath);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ToolError(`${shown} not found`);
    case 'EACCES':
    case 'EPERM':
      return new ToolError(`${shown}: permission denied`);
    case 'EISDIR':
      return new ToolError(`${shown} is a directory`);
    case 'ELOOP':
      return new ToolError(`${shown} changed to a symbolic link while being opened`);
    default:
      return new ToolError(`${shown} cannot be read (${code ?? 'error'})`);
  }
}

/** An opened regular file inside the root. The caller closes `handle`. */
export interface GuardedFile extends GuardedPath {
  handle: FileHandle;
  stats: Stats;
}

// O_NOFOLLOW: the checked path is a real path, so its last component is not a symlink; if it has
// become one since, the open fails instead of following it. O_NONBLOCK: a FIFO swapped in after
// the check cannot block the open. Both are 0 where the platform lacks them (Windows).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Resolves, checks and opens a file for reading, then closes the check/use gap: the handle's
 * device and inode must be those of the path that was checked.
 */
export async function openForRead(root: string, userPath: string): Promise<GuardedFile> {
  const guarded = await resolveReadable(root, userPath);
  const checked = await statGuarded(guarded, userPath);
  if (checked.isDirectory()) throw new ToolError(`${JSON.stringify(userPath)} is a directory; use list_dir`);
  if (!checked.isFile()) throw new ToolError(`${JSON.stringify(userPath)} is not a regular file`);
  let handle: FileHandle;
  try {
    handle = await open(guarded.abs, OPEN_FLAGS);
  } catch (error) {
    throw fsError(error, userPath);
  }
  try {
    const opened = await handle.stat();
    if (opened.dev !== checked.dev || opened.ino !== checked.ino || !opened.isFile()) {
      throw new ToolError(`${JSON.stringify(userPath)} changed while being opened; try again`);
    }
    return { ...guarded, handle, stats: opened };
  } catch (error) {
    await handle.close();
    throw fsError(error, userPath);
  }
}
