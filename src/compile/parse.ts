/**
 * Parsing a workflow's JavaScript with acorn, and turning acorn's SyntaxErrors into Diagnostics at
 * the user's file:line:col (both 1-based). Does not judge what the program does (see check.ts).
 * Spec: F4 (top-level await/return), F5 (syntax errors before anything runs), F13/F18.
 */
import * as acorn from 'acorn';
import type { Diagnostic, SourceLocation } from '../errors.js';

/** Body form allows top-level `return` and `await` (F4); module source type makes it strict. */
export const PARSE_OPTIONS: acorn.Options = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  locations: true,
};

/** `.ts`/`.mts`/`.cts` are TypeScript (types stripped); everything else is plain JavaScript (§1). */
export function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?ts$/i.test(file);
}

export type ParseResult = { ok: true; program: acorn.Program } | { ok: false; diagnostic: Diagnostic; offset: number };

export function parseProgram(source: string, file: string): ParseResult {
  try {
    return { ok: true, program: acorn.parse(source, PARSE_OPTIONS) };
  } catch (error) {
    return { ok: false, ...syntaxDiagnostic(error, source, file) };
  }
}

interface AcornSyntaxError extends SyntaxError {
  pos: number;
  loc: acorn.Position;
}

function isAcornSyntaxError(error: unknown): error is AcornSyntaxError {
  return error instanceof SyntaxError && typeof (error as Partial<AcornSyntaxError>).pos === 'number';
}

/** Converts an acorn SyntaxError; anything else is a bug and is rethrown. */
export function syntaxDiagnostic(error: unknown, source: string, file: string): { diagnostic: Diagnostic; offset: number } {
  if (!isAcornSyntaxError(error)) throw error;
  // acorn appends " (line:col)" with a 0-based column; the location carries it instead.
  const message = error.message.replace(/ \(\d+:\d+\)$/, '');
  const location: SourceLocation = { file, line: error.loc.line, column: error.loc.column + 1 };
  const hint = isTypeScriptFile(file) ? undefined : typeScriptHint(source, error.pos);
  return {
    diagnostic: { severity: 'error', message: `SyntaxError: ${message}`, location, ...(hint ? { hint } : {}) },
    offset: error.pos,
  };
}

const TS_WORDS = /^(?::|<|!\.|as\b|satisfies\b|interface\b|type\b|enum\b|implements\b|declare\b|namespace\b|readonly\b|private\b|public\b|protected\b|abstract\b)/;

/** Most syntax errors in a .js workflow that look like types are TypeScript written in a .js file. */
function typeScriptHint(source: string, offset: number): string | undefined {
  if (!TS_WORDS.test(source.slice(offset, offset + 16))) return undefined;
  return 'a .js workflow must be plain JavaScript; rename it to .ts to use TypeScript syntax';
}

/** 1-based line and column of an acorn node's start. */
export function nodeLocation(node: acorn.Node, file: string): SourceLocation {
  const start = node.loc!.start;
  return { file, line: start.line, column: start.column + 1 };
}
