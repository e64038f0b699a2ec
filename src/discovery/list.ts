/**
 * The listing behind `wf list` and name resolution: every workflow file in every root, its static
 * `meta`, and which entries are shadowed (spec §1, D03–D09). It never executes a script: `meta` is
 * read with compile/meta's static reader, so a file with a broken body is still listed (D08).
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { readMeta } from '../compile/meta.js';
import type { WorkflowMeta } from '../compile/compiled-workflow.js';
import {
  formatDiagnostic,
  messageOf,
  WfError,
  WfValidationError,
  type SourceLocation,
} from '../errors.js';
import { isValidWorkflowName, isWorkflowFileName, WORKFLOW_EXTENSIONS, workflowNameOf } from './name.js';
import { workflowRoots, type DiscoveryOptions, type WorkflowRoot } from './roots.js';

/** One workflow file found in a root. */
export interface WorkflowEntry {
  /** The file stem; what `wf run <name>` matches (see name.ts). */
  name: string;
  /** Absolute path as found in the root (an in-root symlink alias keeps its own path). */
  file: string;
  root: WorkflowRoot;
  /** The validated static meta; absent when the entry is invalid. */
  meta?: WorkflowMeta;
  /** Why the entry is invalid and cannot be run by name, starting with `file:line:col` when known. */
  error?: string;
  /** Where {@link error} points, when it points somewhere. */
  errorLocation?: SourceLocation;
  /** Non-fatal problems, formatted for display (e.g. `meta.name` differs from the file stem). */
  warnings: string[];
  /** The file of the entry that wins this name; absent on winners. */
  shadowedBy?: string;
}

/** Why a file in a root was left out of the listing. */
export type SkipReason = 'directory' | 'outside-root' | 'broken-link' | 'not-a-workflow' | 'unreadable';

export interface SkippedFile {
  file: string;
  reason: SkipReason;
}

/** What happened when one root was read. */
export interface RootStatus {
  root: WorkflowRoot;
  /** `missing` is normal and silent; `invalid` is a root path that exists but cannot be listed (D09). */
  status: 'ok' | 'missing' | 'invalid';
  /** Why the root is invalid. */
  error?: string;
  /** Files with a workflow extension that were left out, and why. */
  skipped: SkippedFile[];
}

export interface Listing {
  /** Root precedence order, then by name within a root; the first entry of a name is its winner. */
  entries: WorkflowEntry[];
  /** Every root searched, highest precedence first. */
  roots: RootStatus[];
}

/** Files read at once: enough to hide disk latency, few enough to stay clear of EMFILE. */
const READ_CONCURRENCY = 64;

/** A static token check that keeps helper modules and declaration-only files out of the listing. */
const META_TOKEN = /\bexport\s+const\s+meta\b/;

/** Lists the workflows in every root of `options` (see roots.ts). Never throws for a bad root or file. */
export async function listWorkflows(options: DiscoveryOptions): Promise<Listing> {
  const roots = workflowRoots(options);
  const scans = await Promise.all(roots.map((root) => scanRoot(root)));

  const tasks = scans.flatMap((scan) => scan.candidates.map((file) => ({ scan, file })));
  const results = await mapWithConcurrency(tasks, READ_CONCURRENCY, ({ scan, file }) => readEntry(scan, file));

  const entriesByRoot = new Map<WorkflowRoot, WorkflowEntry[]>(roots.map((root) => [root, []]));
  for (const result of results) {
    if (result.kind === 'entry') entriesByRoot.get(result.entry.root)?.push(result.entry);
    else result.scan.status.skipped.push(result.skipped);
  }

  const entries = roots.flatMap((root) => sortWithinRoot(entriesByRoot.get(root) ?? []));
  markShadowed(entries);
  return { entries, roots: scans.map((scan) => scan.status) };
}

interface RootScan {
  status: RootStatus;
  /** Absolute paths of regular files (or in-root links to them) with a workflow extension. */
  candidates: string[];
}

/**
 * The entry `wf run <name>` means: the one a listing would show unshadowed under that name, found
 * without reading every other workflow's meta (a listing compiles each `meta.args` schema, which
 * `wf run` would otherwise pay for every workflow it can see). Undefined when there is none.
 */
export async function findWorkflow(name: string, options: DiscoveryOptions): Promise<WorkflowEntry | undefined> {
  const scans = await Promise.all(workflowRoots(options).map((root) => scanRoot(root)));
  for (const scan of scans) {
    const candidates = scan.candidates.filter((file) => workflowNameOf(file) === name);
    for (const file of candidates.sort((a, b) => extensionRank(a) - extensionRank(b) || compareText(a, b))) {
      const result = await readEntry(scan, file);
      if (result.kind === 'entry') return result.entry;
    }
  }
  return undefined;
}

async function scanRoot(root: WorkflowRoot): Promise<RootScan> {
  const status: RootStatus = { root, status: 'ok', skipped: [] };
  const scan: RootScan = { status, candidates: [] };

  try {
    const info = await stat(root.dir);
    if (!info.isDirectory()) {
      status.status = 'invalid';
      status.error = `${root.dir} is not a directory`;
      return scan;
    }
  } catch (error) {
    // ENOTDIR: an ancestor such as `.boocode` is a file; the workflows dir itself does not exist.
    if (isErrorCode(error, 'ENOENT') || isErrorCode(error, 'ENOTDIR')) status.status = 'missing';
    else {
      status.status = 'invalid';
      status.error = `${root.dir}: ${messageOf(error)}`;
    }
    return scan;
  }

  let realRoot: string;
  let dirents: Dirent[];
  try {
    realRoot = await realpath(root.dir);
    dirents = await readdir(root.dir, { withFileTypes: true });
  } catch (error) {
    status.status = 'invalid';
    status.error = `${root.dir}: ${messageOf(error)}`;
    return scan;
  }

  const links: string[] = [];
  for (const dirent of dirents) {
    if (!isWorkflowFileName(dirent.name)) continue;
    const file = path.join(root.dir, dirent.name);
    if (dirent.isFile()) scan.candidates.push(file);
    else if (dirent.isDirectory()) status.skipped.push({ file, reason: 'directory' });
    else if (dirent.isSymbolicLink()) links.push(file);
  }

  const checked = await Promise.all(links.map((file) => checkLink(file, realRoot)));
  links.forEach((file, index) => {
    const reason = checked[index];
    if (reason === undefined) scan.candidates.push(file);
    else status.skipped.push({ file, reason });
  });
  return scan;
}

/**
 * A link is followed only when its target stays inside the root (D05): a workflows folder is a
 * trust boundary, and a link out of it would let a project run any file on the machine by name.
 */
async function checkLink(file: string, realRoot: string): Promise<SkipReason | undefined> {
  let target: string;
  try {
    target = await realpath(file);
  } catch {
    return 'broken-link';
  }
  const relative = path.relative(realRoot, target);
  if (relative === '' || isOutside(relative)) return 'outside-root';
  try {
    return (await stat(target)).isFile() ? undefined : 'directory';
  } catch {
    return 'broken-link';
  }
}

type ReadResult =
  | { kind: 'entry'; entry: WorkflowEntry }
  | { kind: 'skipped'; scan: RootScan; skipped: SkippedFile };

async function readEntry(scan: RootScan, file: string): Promise<ReadResult> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    return { kind: 'skipped', scan, skipped: { file, reason: 'unreadable' } };
  }
  if (!META_TOKEN.test(source)) return { kind: 'skipped', scan, skipped: { file, reason: 'not-a-workflow' } };

  const name = workflowNameOf(file);
  const entry: WorkflowEntry = { name, file, root: scan.status.root, warnings: [] };
  try {
    const { meta, warnings } = readMeta(source, file);
    entry.meta = meta;
    // readMeta already warns when meta.name differs from the stem (F24).
    entry.warnings = warnings.map(formatDiagnostic);
  } catch (error) {
    entry.error = describeError(error, file);
    if (WfError.isInstance(error) && error.location) entry.errorLocation = error.location;
  }
  if (!isValidWorkflowName(name)) {
    entry.warnings.push(`${file}: warning: "${name}" cannot be typed as a workflow name; run it by path`);
  }
  return { kind: 'entry', entry };
}

/** `file:line:col: message`, without doubling the location a validation message already carries. */
function describeError(error: unknown, file: string): string {
  if (error instanceof WfValidationError) return error.message;
  if (WfError.isInstance(error)) return error.location ? error.describe() : `${file}: ${error.message}`;
  return `${file}: ${messageOf(error)}`;
}

/**
 * By name, and for one stem held under several extensions, `.ts` before `.js` before `.mjs`: a `.js`
 * beside a `.ts` of the same stem is most often the compiled output of it, and the `.ts` is the
 * source the author edits. The losers are marked shadowed by {@link markShadowed}.
 */
function sortWithinRoot(entries: WorkflowEntry[]): WorkflowEntry[] {
  return entries.sort((a, b) => compareText(a.name, b.name) || extensionRank(a.file) - extensionRank(b.file) || compareText(a.file, b.file));
}

function extensionRank(file: string): number {
  return WORKFLOW_EXTENSIONS.findIndex((extension) => file.endsWith(extension));
}

/**
 * The first entry of each name wins; later ones point at it. An invalid entry still wins its name:
 * silently running a lower-precedence file because the user's override is broken would surprise.
 */
function markShadowed(entries: WorkflowEntry[]): void {
  const winners = new Map<string, string>();
  for (const entry of entries) {
    const winner = winners.get(entry.name);
    if (winner === undefined) winners.set(entry.name, entry.file);
    else entry.shadowedBy = winner;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `relative` (from path.relative) leaves its base; `..x.js` is a legal name inside it. */
function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
