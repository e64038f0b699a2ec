/**
 * Finding and validating the static `export const meta = {...}` literal, without parsing or running
 * the body: `wf list` reads hundreds of files this way, and a file whose body is broken is still
 * listed (D08). Does not check the body (check.ts). Spec: F1, F2, F3, F13, F21, F24.
 */
import * as acorn from 'acorn';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import { basename, extname } from 'node:path';
import { WfValidationError, messageOf, type Diagnostic, type SourceLocation } from '../errors.js';
import type { WorkflowMeta } from './compiled-workflow.js';
import { PARSE_OPTIONS, isTypeScriptFile, nodeLocation, syntaxDiagnostic } from './parse.js';

const tt = acorn.tokTypes;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const FIRST_HINT = 'start the file with `export const meta = { name: "...", description: "..." }` (comments before it are fine)';
const TS_HINT = 'a .js workflow must be plain JavaScript; rename it to .ts to use TypeScript syntax';

/** What {@link scanMeta} found. `meta` is set only when there is no error diagnostic. */
export interface MetaScan {
  meta?: WorkflowMeta;
  /** Errors and warnings, in source order. */
  diagnostics: Diagnostic[];
  /** Offset of meta's `export` keyword, when `export const meta` is the first statement. */
  exportStart?: number;
  /** Offset just past the meta declaration, or past the point where reading it failed. */
  end: number;
}

/**
 * Reads and validates `meta` statically (F1–F3). Throws {@link WfValidationError} holding every
 * problem found in meta; returns non-fatal warnings (F24: name differs from the file stem).
 */
export function readMeta(source: string, file: string): { meta: WorkflowMeta; warnings: Diagnostic[] } {
  const scan = scanMeta(source, file);
  if (!scan.meta) throw new WfValidationError(scan.diagnostics);
  return { meta: scan.meta, warnings: scan.diagnostics };
}

interface TokenWithValue extends acorn.Token {
  value: unknown;
}

/** Like {@link readMeta}, but never throws for script problems: compile.ts merges these diagnostics. */
export function scanMeta(source: string, file: string): MetaScan {
  const typeScript = isTypeScriptFile(file);
  const error = (message: string, at: number | acorn.Node | acorn.Token, end: number, hint?: string): MetaScan => ({
    diagnostics: [{ severity: 'error', message, location: locate(source, file, at), ...(hint ? { hint } : {}) }],
    end,
  });

  let tokens: ReturnType<typeof acorn.tokenizer>;
  let first: TokenWithValue;
  let declaration: TokenWithValue;
  let name: TokenWithValue;
  let afterName: TokenWithValue;
  try {
    tokens = acorn.tokenizer(source, PARSE_OPTIONS);
    first = tokens.getToken() as TokenWithValue;
    if (first.type === tt.eof) {
      return error('meta must be the FIRST statement, but the file has no `export const meta = {...}`', first, first.end, FIRST_HINT);
    }
    if (first.type !== tt._export) {
      const found = source.slice(first.start, first.end);
      return error(`meta must be the FIRST statement: expected \`export const meta = {...}\`, found \`${found}\``, first, first.end, FIRST_HINT);
    }
    declaration = tokens.getToken() as TokenWithValue;
    if (declaration.type === tt.braceL) {
      return error('meta must be declared as `export const meta = {...}`, not exported with `export { ... }`', first, declaration.end);
    }
    name = tokens.getToken() as TokenWithValue;
    const isMeta = name.type === tt.name && name.value === 'meta';
    const kind = source.slice(declaration.start, declaration.end);
    if (isMeta && (kind === 'let' || kind === 'var')) {
      return error(`meta must be declared with \`export const\`, not \`export ${kind}\``, declaration, name.end);
    }
    if (declaration.type !== tt._const || !isMeta) {
      const found = source.slice(first.start, name.end);
      return error(`meta must be the FIRST statement: expected \`export const meta = {...}\`, found \`${found}\``, first, name.end, FIRST_HINT);
    }
    afterName = tokens.getToken() as TokenWithValue;
    if (afterName.type === tt.colon) {
      if (!typeScript) {
        return error('`export const meta: Type` is TypeScript syntax; meta in a .js workflow must be plain JavaScript', afterName, afterName.end, TS_HINT);
      }
      afterName = skipTypeAnnotation(tokens);
    }
    if (afterName.type !== tt.eq) {
      return error('expected `=` after `export const meta`', afterName, afterName.end);
    }
  } catch (caught) {
    const { diagnostic, offset } = syntaxDiagnostic(caught, source, file);
    return { diagnostics: [diagnostic], end: offset + 1 };
  }

  let literal: acorn.Expression;
  try {
    literal = acorn.parseExpressionAt(source, afterName.end, PARSE_OPTIONS);
  } catch (caught) {
    const { diagnostic, offset } = syntaxDiagnostic(caught, source, file);
    return { diagnostics: [diagnostic], exportStart: first.start, end: offset + 1 };
  }
  if (literal.type !== 'ObjectExpression') {
    return { ...error(`meta must be a pure object literal; found ${describeNode(literal)}`, literal, literal.end), exportStart: first.start };
  }

  const tail = afterLiteral(source, literal.end);
  if (!typeScript && tail.typeScript) {
    return {
      ...error(`\`${tail.typeScript}\` after meta is TypeScript syntax; meta in a .js workflow must be plain JavaScript`, tail.at, tail.end, TS_HINT),
      exportStart: first.start,
    };
  }

  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, acorn.Node>();
  const value = literalValue(literal, 'meta', { source, file, diagnostics, nodes });
  if (diagnostics.length === 0) validateFields(value as Record<string, unknown>, literal, { source, file, diagnostics, nodes });
  if (diagnostics.length === 0) {
    const warning = stemWarning(value as WorkflowMeta, file, nodes.get('meta.name') ?? literal, source);
    if (warning) diagnostics.push(warning);
  }
  const hasError = diagnostics.some((d) => d.severity === 'error');
  return {
    ...(hasError ? {} : { meta: value as WorkflowMeta }),
    diagnostics,
    exportStart: first.start,
    end: tail.end,
  };
}

/** After `meta:` in a .ts file: skips the type up to the `=` at bracket depth 0. */
function skipTypeAnnotation(tokens: ReturnType<typeof acorn.tokenizer>): TokenWithValue {
  let depth = 0;
  for (;;) {
    const token = tokens.getToken() as TokenWithValue;
    if (token.type === tt.eof) return token;
    if (depth === 0 && token.type === tt.eq) return token;
    if (token.type === tt.braceL || token.type === tt.parenL || token.type === tt.bracketL) depth++;
    else if (token.type === tt.braceR || token.type === tt.parenR || token.type === tt.bracketR) depth--;
    else if (token.type === tt.relational || token.type === tt.bitShift) {
      const text = String(token.value);
      depth += text.startsWith('<') ? text.length : -text.length;
    }
  }
}

/**
 * Looks past the literal: `;` ends the declaration; `as const` / `satisfies X` are TypeScript
 * (fine in .ts, reported in .js). Anything else is left to the full parse.
 */
function afterLiteral(source: string, from: number): { end: number; at: number; typeScript?: string } {
  let pos = from;
  let newline = false;
  for (;;) {
    const c = source[pos];
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') newline = true;
    if (c !== undefined && /\s/.test(c)) pos++;
    else if (source.startsWith('//', pos)) {
      const stop = source.slice(pos).search(/[\n\r\u2028\u2029]/);
      pos = stop < 0 ? source.length : pos + stop;
    } else if (source.startsWith('/*', pos)) {
      const stop = source.indexOf('*/', pos + 2);
      if (stop < 0) return { end: source.length, at: pos };
      if (/[\n\r\u2028\u2029]/.test(source.slice(pos, stop))) newline = true;
      pos = stop + 2;
    } else break;
  }
  if (source[pos] === ';') return { end: pos + 1, at: pos };
  const word = /^(as|satisfies)\b/.exec(source.slice(pos, pos + 10));
  if (word && !newline) {
    const statement = /^[^;\n\r]*/.exec(source.slice(pos))![0].trim();
    return { end: pos + word[0].length, at: pos, typeScript: statement };
  }
  return { end: from, at: from };
}

interface LiteralContext {
  source: string;
  file: string;
  diagnostics: Diagnostic[];
  /** Node of every value by its path (`meta.phases[0].title`), for locating field errors. */
  nodes: Map<string, acorn.Node>;
}

function notPure(node: acorn.Node, path: string, what: string, context: LiteralContext): undefined {
  context.diagnostics.push({
    severity: 'error',
    message: `meta must be a pure literal: ${path} is ${what}`,
    location: nodeLocation(node, context.file),
    hint: 'meta may hold only strings, numbers, booleans, null, plain templates, and arrays and objects of those',
  });
  return undefined;
}

/** F2: evaluates a pure literal, reporting every non-literal node (by its ESTree type). */
function literalValue(node: acorn.Node, path: string, context: LiteralContext): unknown {
  context.nodes.set(path, node);
  const n = node as acorn.AnyNode;
  switch (n.type) {
    case 'Literal':
      if ('regex' in n && n.regex) return notPure(n, path, 'a RegExp literal (Literal)', context);
      if ('bigint' in n && n.bigint !== undefined) return notPure(n, path, 'a BigInt literal (Literal)', context);
      return n.value;
    case 'TemplateLiteral':
      if (n.expressions.length > 0) return notPure(n, path, 'a TemplateLiteral with ${} interpolation', context);
      return n.quasis[0]!.value.cooked;
    case 'UnaryExpression':
      if (n.operator === '-' && n.argument.type === 'Literal' && typeof n.argument.value === 'number') return -n.argument.value;
      return notPure(n, path, `a UnaryExpression (\`${n.operator}\`); only a negative number is allowed`, context);
    case 'ArrayExpression': {
      const result: unknown[] = [];
      n.elements.forEach((element, index) => {
        const itemPath = `${path}[${index}]`;
        if (element === null) notPure(n, itemPath, 'a hole in a sparse array', context);
        else if (element.type === 'SpreadElement') notPure(element, itemPath, 'a SpreadElement', context);
        else result.push(literalValue(element, itemPath, context));
      });
      return result;
    }
    case 'ObjectExpression': {
      const result: Record<string, unknown> = {};
      for (const property of n.properties) {
        if (property.type === 'SpreadElement') {
          notPure(property, `${path}{...}`, 'a SpreadElement', context);
          continue;
        }
        const key = propertyKey(property);
        const keyPath = key === undefined ? `${path}[${context.source.slice(property.key.start, property.key.end)}]` : `${path}.${key}`;
        if (property.computed || key === undefined) notPure(property, keyPath, 'a computed key', context);
        else if (property.kind !== 'init') notPure(property, keyPath, `a ${property.kind}ter`, context);
        else if (property.method) notPure(property, keyPath, 'a method', context);
        else if (RESERVED_KEYS.has(key)) {
          context.diagnostics.push({
            severity: 'error',
            message: `meta must be a pure literal: ${keyPath} uses a reserved key (${key})`,
            location: nodeLocation(property, context.file),
          });
        } else {
          const value = literalValue(property.value, keyPath, context);
          context.nodes.set(`${keyPath}#property`, property);
          result[key] = value;
        }
      }
      return result;
    }
    case 'Identifier':
      return notPure(n, path, `an Identifier (${n.name})`, context);
    default:
      return notPure(n, path, describeNode(n), context);
  }
}

function propertyKey(property: acorn.Property): string | undefined {
  if (property.computed) return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  if (property.key.type === 'Literal' && (typeof property.key.value === 'string' || typeof property.key.value === 'number')) {
    return String(property.key.value);
  }
  return undefined;
}

function describeNode(node: acorn.Node): string {
  return `${/^[AEIOU]/.test(node.type) ? 'an' : 'a'} ${node.type}`;
}

/** F3: required and optional fields; other keys are kept as they are. */
function validateFields(meta: Record<string, unknown>, literal: acorn.Node, context: LiteralContext): void {
  // A missing field is reported at its nearest enclosing value.
  const at = (path: string): acorn.Node => {
    for (let p = path, parent = ''; ; p = parent) {
      const node = context.nodes.get(`${p}#property`) ?? context.nodes.get(p);
      if (node) return node;
      parent = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
      if (parent === p) return literal;
    }
  };
  const fail = (path: string, message: string, hint?: string) =>
    context.diagnostics.push({ severity: 'error', message, location: nodeLocation(at(path), context.file), ...(hint ? { hint } : {}) });
  const nonEmpty = (value: unknown) => typeof value === 'string' && value.trim() !== '';

  if (!nonEmpty(meta.name)) {
    fail('meta.name', 'meta.name is required and must be a non-empty string', 'usually the file name without its extension');
  }
  if (!nonEmpty(meta.description)) fail('meta.description', 'meta.description is required and must be a non-empty string');
  if (meta.whenToUse !== undefined && typeof meta.whenToUse !== 'string') fail('meta.whenToUse', 'meta.whenToUse must be a string');

  if (meta.phases !== undefined) {
    if (!Array.isArray(meta.phases)) {
      fail('meta.phases', 'meta.phases must be an array of { title, detail?, model? }');
    } else {
      meta.phases.forEach((phase: unknown, index) => {
        const path = `meta.phases[${index}]`;
        if (typeof phase !== 'object' || phase === null || Array.isArray(phase)) {
          fail(path, `${path} must be an object { title, detail?, model? }, found ${phase === null ? 'null' : Array.isArray(phase) ? 'an array' : typeof phase}`);
          return;
        }
        const entry = phase as Record<string, unknown>;
        if (!nonEmpty(entry.title)) fail(`${path}.title`, `${path}.title is required and must be a non-empty string`);
        for (const key of ['detail', 'model'] as const) {
          if (entry[key] !== undefined && typeof entry[key] !== 'string') fail(`${path}.${key}`, `${path}.${key} must be a string`);
        }
      });
    }
  }

  if (meta.args !== undefined) {
    if (typeof meta.args !== 'object' || meta.args === null || Array.isArray(meta.args)) {
      fail('meta.args', 'meta.args must be a JSON Schema object');
    } else {
      try {
        schemaCompiler().compile(meta.args);
      } catch (caught) {
        fail('meta.args', `meta.args is not a valid JSON Schema: ${messageOf(caught)}`);
      }
    }
  }
}

let ajv: Ajv | undefined;

/**
 * One instance for the process; `addUsedSchema:false` so two files may reuse the same `$id`. ajv
 * is loaded on first use (a meta with `args`), not by every command that reads a meta.
 */
function schemaCompiler(): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  ajv ??= new AjvClass({ strict: false, logger: false, addUsedSchema: false, validateFormats: false });
  return ajv;
}

/** F24: the name is how a workflow is run, so a name that differs from the file stem confuses. */
function stemWarning(meta: WorkflowMeta, file: string, node: acorn.Node, source: string): Diagnostic | undefined {
  const extension = extname(file);
  if (!/^\.(?:[cm]?[jt]s)$/i.test(extension)) return undefined;
  const stem = basename(file, extension);
  if (meta.name === stem) return undefined;
  return {
    severity: 'warning',
    message: `meta.name "${meta.name}" differs from the file stem "${stem}"`,
    location: locate(source, file, node),
    hint: `rename the file to ${meta.name}${extension} or set meta.name to "${stem}"`,
  };
}

function locate(source: string, file: string, at: number | acorn.Node | acorn.Token): SourceLocation {
  if (typeof at === 'number') {
    const position = acorn.getLineInfo(source, at);
    return { file, line: position.line, column: position.column + 1 };
  }
  const start = at.loc!.start;
  return { file, line: start.line, column: start.column + 1 };
}
