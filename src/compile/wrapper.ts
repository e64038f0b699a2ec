/**
 * The generated-code contract: how a workflow's source is wrapped into one async function before
 * esbuild sees it, keeping every user line where it was. Does not run esbuild (transform.ts).
 * Spec: F4 (body as an async function), F7 (module form), S12 (no early close).
 */

/** The one global the generated code defines. It takes no parameters: the body reads the global `args`. */
export const WORKFLOW_GLOBAL = '__workflow__';
/** Module form (F7): `export default` becomes an assignment to this wrapper-local variable. */
export const DEFAULT_VARIABLE = '__wfdefault__';

const HEAD = `globalThis.${WORKFLOW_GLOBAL} = async function ${WORKFLOW_GLOBAL}() {"use strict";`;
const MODULE_HEAD = `${HEAD}let ${DEFAULT_VARIABLE};`;
const BODY_TAIL = '\n};\n';
const MODULE_TAIL = `\n;return await ${DEFAULT_VARIABLE}(args);\n};\n`;

/** Source wrapped for esbuild, and what is needed to map its positions back to the user's. */
export interface WrappedSource {
  text: string;
  /** Characters the head adds before the user's line 1; no other line moves. */
  headLength: number;
  /** Lines of the user's source; wrapped lines from this (0-based) on are the tail. */
  userLines: number;
}

export interface WrapOptions {
  /** Offsets of `export` keywords to blank out (meta's). */
  blankExports: number[];
  /** Module form: the range `export default ` up to the function, rewritten in place. */
  defaultExport?: { start: number; end: number };
}

/**
 * Blanks `export` with spaces and rewrites `export default` with a same-length assignment, so that
 * columns stay put; the head sits on line 1 so that line numbers stay put.
 */
export function wrapSource(source: string, options: WrapOptions): WrappedSource {
  const edits: Array<{ start: number; end: number; text: string }> = options.blankExports.map((start) => ({
    start,
    end: start + 'export'.length,
    text: ' '.repeat('export'.length),
  }));
  if (options.defaultExport) edits.push({ ...options.defaultExport, text: defaultReplacement(source, options.defaultExport) });
  // A hashbang is only valid at offset 0, which the head now occupies.
  if (source.startsWith('#!')) edits.push({ start: 0, end: 2, text: '//' });
  edits.sort((a, b) => b.start - a.start);

  let body = source;
  for (const edit of edits) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  const head = options.defaultExport ? MODULE_HEAD : HEAD;
  const tail = options.defaultExport ? MODULE_TAIL : BODY_TAIL;
  return { text: head + body + tail, headLength: head.length, userLines: countLines(source) };
}

/** `export default ` → `__wfdefault__=` padded with spaces, keeping any line breaks in the range. */
function defaultReplacement(source: string, range: { start: number; end: number }): string {
  const original = source.slice(range.start, range.end);
  const assignment = `${DEFAULT_VARIABLE}=`;
  const firstBreak = original.search(/[\r\n\u2028\u2029]/);
  if (firstBreak < 0) return assignment.padEnd(original.length, ' ');
  return assignment.padEnd(firstBreak, ' ') + original.slice(firstBreak).replace(/[^\r\n\u2028\u2029]/g, ' ');
}

/** Line count as acorn and esbuild count them (CRLF is one break). */
export function countLines(source: string): number {
  let lines = 1;
  const breaks = /\r\n?|[\n\u2028\u2029]/g;
  while (breaks.exec(source)) lines++;
  return lines;
}
