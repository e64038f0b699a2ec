/**
 * esbuild passes over the wrapped source: the bundle that becomes the runnable classic script, and
 * for .ts the type-stripping transform the checks read. esbuild's messages become Diagnostics at
 * the user's file:line:col. Does not decide what is allowed (check.ts). Spec: F5, F13, F18, §1.
 */
import { build, stop, transform, type Message, type Plugin } from 'esbuild';
import { basename } from 'node:path';
import type { Diagnostic, SourceLocation } from '../errors.js';
import { GENERATED_FILENAME } from './compiled-workflow.js';
import { MESSAGES } from './check.js';
import { isTypeScriptFile } from './parse.js';
import type { WrappedSource } from './wrapper.js';

export const IMPORT_DENIED = 'workflow scripts may not use import or require()';

/** Every import and literal require() that reaches esbuild fails here (check.ts reports them first). */
const DENY_IMPORTS: Plugin = {
  name: 'wf-deny-imports',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, () => ({ errors: [{ text: IMPORT_DENIED }] }));
  },
};

export type EsbuildResult = { ok: true; code: string; map: string } | { ok: false; diagnostics: Diagnostic[] };

/** The runnable code: a classic script (IIFE) defining `globalThis.__workflow__`, with its source map. */
export async function bundleWorkflow(wrapped: WrappedSource, source: string, file: string): Promise<EsbuildResult> {
  try {
    const result = await build({
      stdin: { contents: wrapped.text, loader: isTypeScriptFile(file) ? 'ts' : 'js', sourcefile: basename(file) },
      bundle: true,
      format: 'iife',
      target: 'es2022',
      write: false,
      outfile: GENERATED_FILENAME,
      sourcemap: 'external',
      // rebaseSourceMap puts the user's own source in; the wrapped one would only cost time.
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [DENY_IMPORTS],
      // Bundling makes esbuild route every mention of `require` through a `__require` shim, which
      // would make `typeof require` read "function" in the sandbox (S1 says undefined). require()
      // calls are already refused by the static checks, so the identifier can simply be undefined.
      define: { require: 'undefined' },
    });
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
    const code = result.outputFiles.find((f) => !f.path.endsWith('.map'));
    return { ok: true, code: code!.text, map: map!.text };
  } catch (error) {
    return { ok: false, diagnostics: esbuildDiagnostics(error, wrapped, source, file) };
  }
}

/** .ts only: the wrapped source with types stripped, for the same checks as .js. */
export async function stripTypes(wrapped: WrappedSource, source: string, file: string): Promise<EsbuildResult> {
  try {
    const result = await transform(wrapped.text, {
      loader: 'ts',
      target: 'es2022',
      sourcemap: 'external',
      sourcesContent: false,
      sourcefile: basename(file),
      logLevel: 'silent',
    });
    return { ok: true, code: result.code, map: result.map };
  } catch (error) {
    return { ok: false, diagnostics: esbuildDiagnostics(error, wrapped, source, file) };
  }
}

function esbuildDiagnostics(error: unknown, wrapped: WrappedSource, source: string, file: string): Diagnostic[] {
  const errors = (error as { errors?: Message[] }).errors;
  if (!Array.isArray(errors)) throw error;
  return errors.map((message) => {
    const explained = explain(message);
    const location = message.location ? userLocation(message.location, explained.column, wrapped, source, file) : undefined;
    return { severity: 'error', message: explained.text, ...(location ? { location } : {}) };
  });
}

/**
 * esbuild: 1-based line, 0-based column in UTF-8 bytes, in the wrapped source. `column` (UTF-16,
 * 0-based) overrides the reported one.
 */
function userLocation(
  location: NonNullable<Message['location']>,
  column: number | undefined,
  wrapped: WrappedSource,
  source: string,
  file: string,
): SourceLocation {
  if (location.line > wrapped.userLines) {
    // The tail: an unclosed construct ran to the end of the user's file.
    const lastLine = source.split(/\r\n?|[\n\u2028\u2029]/).at(-1)!;
    return { file, line: wrapped.userLines, column: lastLine.length + 1 };
  }
  let at = column ?? textBefore(location).length;
  if (location.line === 1) at = Math.max(0, at - wrapped.headLength);
  return { file, line: location.line, column: at + 1 };
}

function textBefore(location: NonNullable<Message['location']>): string {
  return Buffer.from(location.lineText, 'utf8').subarray(0, location.column).toString('utf8');
}

/**
 * An import or export inside the wrapper gives "Unexpected ..." at the token after it; say what
 * is really wrong, at the keyword.
 */
function explain(message: Message): { text: string; column?: number } {
  const text = message.text;
  if (text === IMPORT_DENIED || !message.location) return { text };
  const before = textBefore(message.location);
  const confused = /^(Unexpected|Expected)/.test(text);
  const keyword = confused ? /\b(import|export)(\s+type)?\s*$/.exec(before) : null;
  if (text === 'Unexpected "import"') return { text: MESSAGES.importDeclaration };
  if (text === 'Unexpected "export"') return { text: MESSAGES.export };
  if (keyword) return { text: keyword[1] === 'import' ? MESSAGES.importDeclaration : MESSAGES.export, column: keyword.index };
  return { text: `SyntaxError: ${text}` };
}

/**
 * Ends esbuild's service process (≈ 12 MB) once the workflow is compiled, for the length of a
 * run. A workflow() child compiled later starts it again by itself (≈ 10 ms).
 */
export async function releaseCompiler(): Promise<void> {
  await stop();
}
