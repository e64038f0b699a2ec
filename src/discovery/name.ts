/**
 * The naming rule: a saved workflow's name is its file stem (`review.js` → `review`), never
 * `meta.name`. The stem is what the user sees in the folder, it is unique within a directory, and it
 * is known without reading the file; a `meta.name` that differs only earns a warning (spec F3, F24).
 * Also decides which `wf run` arguments are paths rather than names (spec §1, D01, D10).
 */
import path from 'node:path';

/** Extensions of workflow files, in the order preferred when one root holds several of a stem. */
export const WORKFLOW_EXTENSIONS = ['.ts', '.js', '.mjs'] as const;

/**
 * Letters, digits, `_`, `-` and `.`, not starting with `.` or `-`. Anything else (spaces, `:`, `~`,
 * `..`) cannot be typed as a name, so such an argument is taken as a path (D10).
 */
const NAME_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}._-]*$/u;

/** True for `review.ts`, false for `review.d.ts` (declaration files never hold a workflow). */
export function isWorkflowFileName(fileName: string): boolean {
  if (fileName.endsWith('.d.ts')) return false;
  return WORKFLOW_EXTENSIONS.some((extension) => fileName.endsWith(extension) && fileName.length > extension.length);
}

/** The name a workflow file is run by: its base name without the extension. */
export function workflowNameOf(file: string): string {
  const base = path.basename(file);
  const extension = WORKFLOW_EXTENSIONS.find((candidate) => base.endsWith(candidate));
  return extension ? base.slice(0, -extension.length) : base;
}

/** True when `name` can be passed to `wf run` as a name (see {@link isPathArgument}). */
export function isValidWorkflowName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * True when a `wf run` argument is a file path: it ends in `.js`/`.ts`/`.mjs` (D01), contains a
 * path separator (D10), or holds characters a name cannot (D10). Everything else is a name.
 */
export function isPathArgument(argument: string): boolean {
  if (WORKFLOW_EXTENSIONS.some((extension) => argument.endsWith(extension))) return true;
  if (argument.includes('/') || argument.includes(path.sep)) return true;
  return !isValidWorkflowName(argument);
}
