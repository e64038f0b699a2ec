/**
 * `glob`: files whose path matches a pattern, newest first (recently changed files are usually
 * the interesting ones). The walk starts in a guarded directory, does not descend through
 * symbolic links, and every match is checked again by real path, so a link inside the tree that
 * points outside the root never shows up as a result.
 */
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob as tinyglob } from 'tinyglobby';
import { DEFAULT_IGNORE_GLOBS } from './ignore.js';
import { optionalString, requiredString } from './input.js';
import { displayPath, isWithin, resolveReadable, statGuarded } from './path-guard.js';
import { capText } from './truncate.js';
import { ToolError, type AgentTool, type ToolContext } from './tool.js';

export const GLOB_MAX_RESULTS = 200;
const MAX_OUTPUT_BYTES = 256 * 1024;
/** stat calls in flight at once while sorting by mtime. */
const STAT_BATCH = 64;

export const globTool: AgentTool = {
  name: 'glob',
  description:
    'Find files by glob pattern (e.g. "**/*.ts", "src/**/test_*.py", "*.{json,yaml}") inside the project, newest first. Symbolic links are not followed. ' +
    `Returns at most ${GLOB_MAX_RESULTS} paths relative to the project root. Skips .git, node_modules, dist, build and similar.`,
  inputSchema: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'Glob pattern, relative to `path`.' },
      path: { type: 'string', description: 'Directory to search in, relative to the project root. Default ".".' },
    },
    required: ['pattern'],
    additionalProperties: false,
  },
  readsWorkspace: true,
  version: 1,
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<string> {
    const pattern = requiredString(input, 'pattern', { maxLength: 1000 });
    const path = optionalString(input, 'path', '.', { maxLength: 4096 });
    checkPattern(pattern);
    const dir = await resolveReadable(context.root, path);
    if (!(await statGuarded(dir, path)).isDirectory()) throw new ToolError(`${JSON.stringify(path)} is not a directory`);

    const matches = await listMatching(context.root, dir.abs, pattern, context.signal);
    const where = dir.display === '.' ? 'the project root' : dir.display;
    if (matches.length === 0) {
      return `No files match ${JSON.stringify(pattern)} in ${where} (.git, node_modules, dist, build and similar are not searched).`;
    }
    const timed = await withMtimes(matches, context.signal);
    timed.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    const shown = timed.slice(0, GLOB_MAX_RESULTS).map((match) => match.display);
    const lines = [`${timed.length} file${timed.length === 1 ? '' : 's'} match ${JSON.stringify(pattern)} in ${where} (newest first):`, ...shown];
    if (timed.length > shown.length) lines.push(`[${timed.length - shown.length} more matches not shown; narrow the pattern or the path]`);
    return capText(lines.join('\n'), MAX_OUTPUT_BYTES);
  },
};

/** Patterns that would walk out of the directory are refused outright (the real-path filter would drop their results anyway). */
export function checkPattern(pattern: string): void {
  if (pattern.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(pattern) || pattern.startsWith('\\')) {
    throw new ToolError(`glob pattern ${JSON.stringify(pattern)} must be relative (use the path argument for the directory)`);
  }
  if (pattern.split(/[\\/]/).some((segment) => segment === '..')) {
    throw new ToolError(`glob pattern ${JSON.stringify(pattern)} must not contain ".." segments`);
  }
}

export interface Match {
  /** Real path, inside the root. */
  abs: string;
  /** Path as matched, relative to the root, posix separators. */
  display: string;
}

/**
 * Files under `dirAbs` matching `pattern`, with the default ignores, not descending through
 * symlinks, and with every match whose real path is outside `root` dropped.
 */
export async function listMatching(root: string, dirAbs: string, pattern: string, signal: AbortSignal): Promise<Match[]> {
  let relative: string[];
  try {
    relative = await tinyglob(pattern, {
      cwd: dirAbs,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      ignore: [...DEFAULT_IGNORE_GLOBS],
      expandDirectories: false,
      signal,
    });
  } catch (error) {
    signal.throwIfAborted();
    throw new ToolError(`glob pattern ${JSON.stringify(pattern)} failed: ${(error as Error).message}`);
  }
  const matches: Match[] = [];
  for (let start = 0; start < relative.length; start += STAT_BATCH) {
    signal.throwIfAborted();
    const batch = relative.slice(start, start + STAT_BATCH);
    const resolved = await Promise.all(
      batch.map(async (rel) => {
        const lexical = join(dirAbs, rel);
        if (!isWithin(root, lexical)) return undefined;
        try {
          const real = await realpath(lexical);
          return isWithin(root, real) ? { abs: real, display: displayPath(root, lexical) } : undefined;
        } catch {
          return undefined; // dangling symlink or vanished file
        }
      }),
    );
    for (const match of resolved) if (match) matches.push(match);
  }
  return matches;
}

async function withMtimes(matches: Match[], signal: AbortSignal): Promise<(Match & { mtimeMs: number })[]> {
  const out: (Match & { mtimeMs: number })[] = [];
  for (let start = 0; start < matches.length; start += STAT_BATCH) {
    signal.throwIfAborted();
    const batch = await Promise.all(
      matches.slice(start, start + STAT_BATCH).map(async (match) => {
        try {
          return { ...match, mtimeMs: (await stat(match.abs)).mtimeMs };
        } catch {
          return { ...match, mtimeMs: 0 };
        }
      }),
    );
    out.push(...batch);
  }
  return out;
}
