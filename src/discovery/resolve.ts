/**
 * Turns the argument of `wf run <arg>` into a file (spec §1, D01, D02, D07, D10). A path is taken
 * as given, relative to `cwd`, whatever the roots hold; a name goes through the same listing as
 * `wf list`, so the two always agree on what a name means (D05).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { InvalidWorkflowError, UnknownWorkflowError, WorkflowNotFoundError } from './errors.js';
import { findWorkflow, listWorkflows, type Listing, type WorkflowEntry } from './list.js';
import { isPathArgument, workflowNameOf } from './name.js';
import type { DiscoveryOptions } from './roots.js';

export interface ResolvedWorkflow {
  /** Absolute path of the file to compile and run. */
  file: string;
  /** The listing entry, when the argument was a name; absent for a path argument. */
  entry?: WorkflowEntry;
}

/**
 * Resolves a `wf run` argument. Throws {@link WorkflowNotFoundError} for a missing path or a
 * directory, {@link UnknownWorkflowError} for an unknown name and {@link InvalidWorkflowError} for a
 * name whose file has an invalid `meta`; all are usage errors (exit 2).
 */
export async function resolveWorkflow(argument: string, options: DiscoveryOptions): Promise<ResolvedWorkflow> {
  if (isPathArgument(argument)) return resolvePath(argument, options);

  const entry = await findWorkflow(argument, options);
  if (entry === undefined) throw unknownWorkflow(argument, await listWorkflows(options)); // the listing names near matches
  if (entry.error !== undefined) {
    throw new InvalidWorkflowError(
      `workflow "${argument}" cannot run: its meta is invalid: ${entry.error}`,
      { workflowName: argument, file: entry.file, location: entry.errorLocation },
      { hint: `fix ${entry.file} (\`wf validate ${entry.file}\` shows every problem)` },
    );
  }
  return { file: entry.file, entry };
}

async function resolvePath(argument: string, options: DiscoveryOptions): Promise<ResolvedWorkflow> {
  const file = path.resolve(options.cwd, argument);
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch {
    throw new WorkflowNotFoundError(`workflow file not found: ${file}`, file, {
      hint: await missingPathHint(argument, options),
    });
  }
  if (!isFile) {
    throw new WorkflowNotFoundError(`not a workflow file: ${file} is a directory or special file`, file, {
      hint: 'pass the path of a .js or .ts workflow file, or a workflow name',
    });
  }
  return { file };
}

/** `wf run review.js` with no such file, while a saved `review` exists: point at the name (D01). */
async function missingPathHint(argument: string, options: DiscoveryOptions): Promise<string> {
  const generic = 'paths are relative to the current directory; run `wf list` to see saved workflows';
  if (argument.includes('/') || argument.includes(path.sep)) return generic;
  const name = workflowNameOf(argument);
  const listing = await listWorkflows(options);
  const saved = listing.entries.find((entry) => entry.name === name && entry.error === undefined);
  return saved ? `to run the saved workflow at ${saved.file}, use \`wf run ${name}\`` : generic;
}

function unknownWorkflow(name: string, listing: Listing): UnknownWorkflowError {
  const names = [...new Set(listing.entries.map((entry) => entry.name))];
  // F24: a file whose meta.name is what the user typed is the most likely meaning of the typo.
  const byMetaName = listing.entries
    .filter((entry) => entry.meta?.name === name && entry.shadowedBy === undefined)
    .map((entry) => entry.name);
  const suggestions = [...new Set([...byMetaName, ...nearMatches(name, names)])];
  const searched = listing.roots.map(
    ({ root, status, error }) => `${root.label} (${root.dir})${status === 'invalid' ? `: invalid: ${error}` : ''}`,
  );
  const didYouMean = suggestions.length > 0 ? `; did you mean: ${suggestions.join(', ')}?` : '';
  return new UnknownWorkflowError(
    `unknown workflow "${name}"${didYouMean}\nsearched:\n${searched.map((line) => `  ${line}`).join('\n')}`,
    { workflowName: name, suggestions, searched },
    { hint: 'run `wf list` to see every workflow, or pass a file path such as ./my-flow.js' },
  );
}

/** At most this many suggestions: a long list stops being a suggestion. */
const MAX_SUGGESTIONS = 5;

/**
 * Candidates close to `name`, best first: case-insensitive edit distance ≤ 2 (≤ 1 for names of up to
 * three characters, where 2 edits would match almost anything), or one contains the other (at least
 * three characters long). Ranked by edit distance, then prefix matches, then alphabetically.
 */
export function nearMatches(name: string, candidates: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  const maxDistance = wanted.length <= 3 ? 1 : 2;
  const scored: { candidate: string; distance: number; prefix: boolean }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const lower = candidate.toLowerCase();
    const edits = levenshtein(wanted, lower);
    const shorter = Math.min(wanted.length, lower.length);
    const contains = shorter >= 3 && (lower.includes(wanted) || wanted.includes(lower));
    if (edits > maxDistance && !contains) continue;
    const prefix = lower.startsWith(wanted) || wanted.startsWith(lower);
    scored.push({ candidate, distance: edits, prefix });
  }
  scored.sort(
    (a, b) =>
      a.distance - b.distance ||
      Number(b.prefix) - Number(a.prefix) ||
      (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0),
  );
  return scored.slice(0, MAX_SUGGESTIONS).map((entry) => entry.candidate);
}

/** Edit distance, loaded only when a name was not found (the suggestions are for errors). */
function levenshtein(a: string, b: string): number {
  return (createRequire(import.meta.url)('fastest-levenshtein') as typeof import('fastest-levenshtein')).distance(a, b);
}
