/**
 * `grep`: lines matching a JavaScript regular expression, in one file or across a directory.
 * A JS walker (tinyglobby for the file list, then one file at a time) rather than `rg`: it works
 * everywhere, obeys the same path guard and denylist as `read_file`, and never runs a process.
 *
 * Catastrophic regexes: JS regexes backtrack, so a pattern such as `(a+)+$` can take exponential
 * time on a short line, and a synchronous `RegExp#test` cannot be interrupted. The guards here are
 * a pattern length limit, a refusal of nested quantifiers (safe-regex2's star-height check, the
 * same one schema preflight uses), matching line by line, and lines cut to
 * {@link MATCH_LINE_CHARS} characters before matching. The residual risk is an exponential
 * alternation the heuristic misses (`(a|aa)*$`) on one line: that still blocks the event loop
 * until it finishes. Running the matcher in a worker with a hard kill would remove it.
 */
import isSafeRegex from 'safe-regex2';
import { looksBinary } from './binary.js';
import { listMatching, checkPattern, type Match } from './glob.js';
import { optionalBoolean, optionalChoice, optionalInteger, optionalString, requiredString } from './input.js';
import { isDenied, openForRead, resolveReadable, statGuarded } from './path-guard.js';
import { capText, cutLine } from './truncate.js';
import { ToolError, type AgentTool, type ToolContext } from './tool.js';

export const GREP_MAX_MATCHES = 200;
export const GREP_MAX_PATTERN_CHARS = 500;
/** Files larger than this are skipped (and counted in the output). */
export const GREP_MAX_FILE_BYTES = 1024 * 1024;
/** Characters of a line that are shown. */
const SHOW_LINE_CHARS = 500;
/** Characters of a line that are matched against: bounds the work of one regex call. */
const MATCH_LINE_CHARS = 4000;
const MAX_OUTPUT_BYTES = 256 * 1024;

type Mode = 'content' | 'files' | 'count';

export const grepTool: AgentTool = {
  name: 'grep',
  description:
    'Search file contents with a JavaScript regular expression (e.g. "function\\s+load", "TODO|FIXME"). ' +
    'mode "content" (default) prints matching lines as "path:line: text", "files" lists matching files, "count" counts matches per file. ' +
    '`glob` narrows the files (e.g. "**/*.ts"); `context` adds lines around each match. ' +
    `At most ${GREP_MAX_MATCHES} matches; skips binary files, files over 1 MB, symbolic links, and .git, node_modules, dist, build and similar.`,
  inputSchema: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'JavaScript regular expression source (no slashes, no flags).' },
      path: { type: 'string', description: 'File or directory to search, relative to the project root. Default ".".' },
      glob: { type: 'string', description: 'Only search files matching this glob (relative to path). Default all files.' },
      mode: { type: 'string', enum: ['content', 'files', 'count'], description: 'Output mode. Default "content".' },
      context: { type: 'integer', minimum: 0, maximum: 5, description: 'Lines of context before and after each match (content mode). Default 0.' },
      ignoreCase: { type: 'boolean', description: 'Case-insensitive match. Default false.' },
    },
    required: ['pattern'],
    additionalProperties: false,
  },
  readsWorkspace: true,
  version: 1,
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<string> {
    const pattern = requiredString(input, 'pattern', { maxLength: GREP_MAX_PATTERN_CHARS });
    const path = optionalString(input, 'path', '.', { maxLength: 4096 });
    const glob = optionalString(input, 'glob', undefined, { maxLength: 1000 });
    const mode = optionalChoice<Mode>(input, 'mode', ['content', 'files', 'count'], 'content');
    const around = optionalInteger(input, 'context', { min: 0, max: 5, fallback: 0 });
    const ignoreCase = optionalBoolean(input, 'ignoreCase', false);
    if (glob !== undefined) checkPattern(glob);
    const regex = compile(pattern, ignoreCase);

    const target = await resolveReadable(context.root, path);
    const info = await statGuarded(target, path);
    let files: Match[];
    if (info.isDirectory()) {
      files = await listMatching(context.root, target.abs, glob ?? '**/*', context.signal);
      files.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    } else if (info.isFile()) {
      files = [{ abs: target.abs, display: target.display }];
    } else {
      throw new ToolError(`${JSON.stringify(path)} is neither a file nor a directory`);
    }

    const search = new Search(regex, mode, around);
    const skipped: Skipped = { binary: 0, large: 0, denied: 0, unreadable: 0 };
    for (const file of files) {
      context.signal.throwIfAborted();
      if (search.full) break;
      if (isDenied(file.display)) {
        skipped.denied++;
        continue;
      }
      const text = await readText(context.root, file, skipped);
      if (text !== undefined) search.file(file.display, text);
    }
    return capText(search.render(pattern, files.length, skipped, info.isDirectory()), MAX_OUTPUT_BYTES);
  },
};

function compile(pattern: string, ignoreCase: boolean): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ToolError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
  if (!isSafeRegex(regex)) throw new ToolError(`regular expression ${JSON.stringify(pattern)} nests quantifiers (like (a+)+), which can take exponential time; simplify it`);
  return regex;
}

/**
 * The file's text, or undefined when it is skipped. Opened through the guard (fstat check), so a
 * file swapped for a symlink after the listing is not read.
 */
async function readText(root: string, file: Match, skipped: Skipped): Promise<string | undefined> {
  let opened;
  try {
    opened = await openForRead(root, file.display);
  } catch {
    skipped.unreadable++;
    return undefined;
  }
  try {
    if (opened.stats.size > GREP_MAX_FILE_BYTES) {
      skipped.large++;
      return undefined;
    }
    const data = await opened.handle.readFile();
    if (data.length > GREP_MAX_FILE_BYTES) {
      skipped.large++;
      return undefined;
    }
    if (looksBinary(data)) {
      skipped.binary++;
      return undefined;
    }
    return data.toString('utf8');
  } catch {
    skipped.unreadable++;
    return undefined;
  } finally {
    await opened.handle.close();
  }
}

/**
 * Collects results across files for one of the three modes. The cap counts matching lines in
 * content mode and listed files in files/count mode (a per-file count is always complete).
 */
class Search {
  private readonly out: string[] = [];
  private matches = 0;
  private filesWithMatches = 0;
  /** The last line printed in content mode, to join overlapping context and put `--` between groups. */
  private last: { file: string; index: number } | undefined;
  full = false;

  constructor(
    private readonly regex: RegExp,
    private readonly mode: Mode,
    private readonly around: number,
  ) {}

  private test(line: string): boolean {
    return this.regex.test(line.length > MATCH_LINE_CHARS ? line.slice(0, MATCH_LINE_CHARS) : line);
  }

  file(display: string, text: string): void {
    const lines = text.split('\n').map(stripCr);
    if (lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line; it does not start one
    let count = 0;
    for (let index = 0; index < lines.length; index++) {
      if (!this.test(lines[index] ?? '')) continue;
      count++;
      if (this.mode === 'files') break; // one match is enough to list the file
      if (this.mode === 'count') continue;
      this.matches++;
      this.printMatch(display, lines, index);
      if (this.matches >= GREP_MAX_MATCHES) {
        this.full = true;
        break;
      }
    }
    if (count === 0) return;
    this.filesWithMatches++;
    if (this.mode === 'content') return;
    this.matches += this.mode === 'count' ? count : 1;
    this.out.push(this.mode === 'files' ? display : `${display}: ${count}`);
    if (this.filesWithMatches >= GREP_MAX_MATCHES) this.full = true;
  }

  /** `path:line: text` for the match, `path-line- text` for context lines, `--` between separate groups. */
  private printMatch(display: string, lines: string[], index: number): void {
    const sameFile = this.last?.file === display;
    const printedUpTo = sameFile && this.last ? this.last.index : -1;
    const from = Math.max(0, index - this.around, printedUpTo + 1);
    if (this.around > 0 && this.last !== undefined && (!sameFile || from > printedUpTo + 1)) this.out.push('--');
    for (let before = from; before < index; before++) this.out.push(`${display}-${before + 1}- ${show(lines[before])}`);
    this.out.push(`${display}:${index + 1}: ${show(lines[index])}`);
    // Trailing context stops before the next match, which prints itself (with its own context).
    let after = index + 1;
    const to = Math.min(lines.length - 1, index + this.around);
    for (; after <= to && !this.test(lines[after] ?? ''); after++) this.out.push(`${display}-${after + 1}- ${show(lines[after])}`);
    this.last = { file: display, index: after - 1 };
  }

  render(pattern: string, searched: number, skipped: Skipped, directory: boolean): string {
    const lines: string[] = [];
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (this.filesWithMatches === 0) lines.push(`No matches for /${pattern}/ in ${plural(searched, 'file')}.`);
    else {
      if (this.mode === 'count') lines.push(`${plural(this.matches, 'matching line')} in ${plural(this.filesWithMatches, 'file')}:`);
      lines.push(...this.out);
    }
    if (this.full) {
      const what = this.mode === 'content' ? 'matches' : 'files';
      lines.push(`[stopped at ${GREP_MAX_MATCHES} ${what}; narrow the pattern, path or glob]`);
    }
    const notes: string[] = [];
    if (skipped.binary > 0) notes.push(`${skipped.binary} binary`);
    if (skipped.large > 0) notes.push(`${skipped.large} over 1 MB`);
    if (skipped.denied > 0) notes.push(`${skipped.denied} denied (may hold secrets)`);
    if (skipped.unreadable > 0) notes.push(`${skipped.unreadable} unreadable`);
    if (notes.length > 0) lines.push(`[skipped files: ${notes.join(', ')}]`);
    if (directory && this.filesWithMatches === 0) lines.push('[.git, node_modules, dist, build and similar are not searched]');
    return lines.join('\n');
  }
}

interface Skipped {
  binary: number;
  large: number;
  denied: number;
  unreadable: number;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function show(line: string | undefined): string {
  return cutLine(line ?? '', SHOW_LINE_CHARS);
}
