/**
 * Source text → {@link CompiledWorkflow}: meta, syntax and static checks all run before any code
 * does, and every error found is reported at once. Does not run the code (sandbox/) nor resolve
 * workflow names (discovery/). Spec: F1–F7, F19, S12, PH1.
 */
import * as acorn from 'acorn';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { readFile } from 'node:fs/promises';
import { WfUsageError, WfValidationError, messageOf, type Diagnostic, type SourceLocation } from '../errors.js';
import { classifyProgram, classifyTranspiled, checkStatements, scanTypeScriptTopLevel, MESSAGES, type CheckResult } from './check.js';
import type { CompiledWorkflow } from './compiled-workflow.js';
import { scanMeta, type MetaScan } from './meta.js';
import { isTypeScriptFile, nodeLocation, parseProgram } from './parse.js';
import { lookup, rebaseSourceMap } from './source-map.js';
import { bundleWorkflow, stripTypes, type EsbuildResult } from './transform.js';
import { wrapSource, type WrapOptions, type WrappedSource } from './wrapper.js';

type Outcome = { compiled: CompiledWorkflow } | { diagnostics: Diagnostic[] };

/**
 * Compiles a workflow. Throws one {@link WfValidationError} holding every diagnostic (errors and
 * warnings) when there is any error; warnings of a good workflow are in `compiled.warnings`.
 */
export async function compileWorkflow(source: string, file: string): Promise<CompiledWorkflow> {
  const outcome = await compileSource(source, file);
  if ('diagnostics' in outcome) throw new WfValidationError(outcome.diagnostics);
  return outcome.compiled;
}

/** `wf validate`: every error and warning of a file. Throws only when the file cannot be read. */
export async function validateWorkflowFile(file: string): Promise<{ diagnostics: Diagnostic[] }> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new WfUsageError(`cannot read workflow file ${file}: ${messageOf(error)}`, { cause: error });
  }
  const outcome = await compileSource(source, file);
  return { diagnostics: 'diagnostics' in outcome ? outcome.diagnostics : outcome.compiled.warnings };
}

function compileSource(source: string, file: string): Promise<Outcome> {
  const meta = scanMeta(source, file);
  return isTypeScriptFile(file) ? compileTypeScript(source, file, meta) : compileJavaScript(source, file, meta);
}

async function compileJavaScript(source: string, file: string, meta: MetaScan): Promise<Outcome> {
  const diagnostics = [...meta.diagnostics];
  const wrap: WrapOptions = { blankExports: meta.exportStart === undefined ? [] : [meta.exportStart] };
  // esbuild works in its own process: start the (usual) body-form bundle while acorn parses here.
  const speculative = meta.meta ? bundleWorkflow(wrapSource(source, wrap), source, file) : undefined;
  // It may be abandoned when the checks fail; a failure of esbuild itself must not go unhandled then.
  speculative?.catch(() => undefined);
  const parsed = parseProgram(source, file);
  let check: CheckResult | undefined;
  if (!parsed.ok) {
    diagnostics.push(...outsideFailedMeta([parsed.diagnostic], meta, source));
  } else {
    const statements = classifyProgram(parsed.program);
    check = checkStatements(statements, (node) => nodeLocation(node, file), meta.meta?.phases);
    diagnostics.push(...check.diagnostics);
    const exported = statements.find((s) => s.kind === 'default');
    if (exported) wrap.defaultExport = { start: exported.node.start, end: exported.value!.start };
  }
  if (!check || hasErrors(diagnostics)) return { diagnostics: sorted(diagnostics) };
  const wrapped = wrapSource(source, wrap);
  const bundled = wrap.defaultExport || !speculative ? await bundleWorkflow(wrapped, source, file) : await speculative;
  return finish(source, file, meta, check, wrapped, bundled, diagnostics);
}

/**
 * acorn cannot parse TypeScript, so a .ts file is checked on esbuild's type-stripped output, with
 * positions mapped back through that transform's source map.
 */
async function compileTypeScript(source: string, file: string, meta: MetaScan): Promise<Outcome> {
  const diagnostics = [...meta.diagnostics];
  const top = scanTypeScriptTopLevel(source, file);
  diagnostics.push(...top.diagnostics);
  const blankExports = [...new Set([...top.metaExports, ...(meta.exportStart === undefined ? [] : [meta.exportStart])])];
  const wrap: WrapOptions = { blankExports, ...(top.defaultExport ? { defaultExport: top.defaultExport } : {}) };
  const wrapped = wrapSource(source, wrap);

  // The bundle is only used if the checks pass, but running both esbuild passes at once halves the wait.
  const [stripped, bundled] = await Promise.all([stripTypes(wrapped, source, file), bundleWorkflow(wrapped, source, file)]);
  if (!stripped.ok) {
    // esbuild stops at its first error, which is often an import/export already reported above.
    const reportedLines = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.location?.line));
    const fresh = stripped.diagnostics.filter((d) => !reportedLines.has(d.location?.line));
    return { diagnostics: sorted([...diagnostics, ...outsideFailedMeta(fresh, meta, source)]) };
  }

  const map = new SourceMap(JSON.parse(stripped.map) as SourceMapPayload);
  const toUser = (line: number, column: number): SourceLocation | undefined => {
    const found = lookup(map, line, column);
    if (!found || found.line >= wrapped.userLines) return undefined;
    const userColumn = found.line === 0 ? found.column - wrapped.headLength : found.column;
    return userColumn < 0 ? undefined : { file, line: found.line + 1, column: userColumn + 1 };
  };
  const locate = (node: acorn.Node): SourceLocation | undefined => toUser(node.loc!.start.line - 1, node.loc!.start.column);
  const parsed = parseProgram(stripped.code, file);
  if (!parsed.ok) {
    // esbuild accepted what acorn rejects in its output: report acorn's message at the mapped place.
    const at = parsed.diagnostic.location;
    const location = at && toUser(at.line - 1, at.column - 1);
    diagnostics.push({ ...parsed.diagnostic, location });
    return { diagnostics: sorted(diagnostics) };
  }
  const { statements, escape } = classifyTranspiled(parsed.program, locate);
  if (escape) {
    const location = locate(escape);
    diagnostics.push({ severity: 'error', message: MESSAGES.wrapperEscape, ...(location ? { location } : {}) });
    return { diagnostics: sorted(diagnostics) };
  }
  const check = checkStatements(statements, locate, meta.meta?.phases);
  diagnostics.push(...check.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics: sorted(diagnostics) };
  return finish(source, file, meta, check, wrapped, bundled, diagnostics);
}

function finish(
  source: string,
  file: string,
  meta: MetaScan,
  check: CheckResult,
  wrapped: WrappedSource,
  bundled: EsbuildResult,
  diagnostics: Diagnostic[],
): Outcome {
  if (!bundled.ok) return { diagnostics: sorted([...diagnostics, ...bundled.diagnostics]) };
  return {
    compiled: {
      file,
      source,
      meta: meta.meta!,
      form: check.form,
      code: bundled.code,
      sourceMap: rebaseSourceMap(bundled.map, { ...wrapped, file, source }),
      warnings: sorted(diagnostics),
      phaseTitles: check.phaseTitles,
    },
  };
}

/** When meta itself failed, a syntax error inside it is the same problem told twice. */
function outsideFailedMeta(found: Diagnostic[], meta: MetaScan, source: string): Diagnostic[] {
  if (meta.meta) return found;
  const end = acorn.getLineInfo(source, meta.end);
  return found.filter((d) => {
    const at = d.location;
    if (!at) return true;
    return at.line > end.line || (at.line === end.line && at.column - 1 >= end.column);
  });
}

function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Source order; diagnostics without a location last. The sort is stable. */
function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => (d.location ? d.location.line * 1e6 + d.location.column : Number.MAX_SAFE_INTEGER);
  return [...diagnostics].sort((a, b) => key(a) - key(b));
}
