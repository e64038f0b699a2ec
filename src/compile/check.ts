/**
 * Static rejection before anything runs: imports, `import()`, `import.meta`, `require()`, exports
 * other than meta, and the module form's rules; also collects literal `phase()` titles. Works on
 * acorn's AST of the user's .js, or of esbuild's type-stripped .ts (positions mapped back).
 * Does not read meta (meta.ts). Spec: F5, F7, F17, F22, PH1, PH02, PH09.
 */
import * as acorn from 'acorn';
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { PhaseMeta } from './compiled-workflow.js';
import { PARSE_OPTIONS, nodeLocation } from './parse.js';
import { DEFAULT_VARIABLE, WORKFLOW_GLOBAL } from './wrapper.js';

export const MESSAGES = {
  importDeclaration: 'import declarations are not allowed in workflow scripts',
  importCall: 'import() is not allowed in workflow scripts',
  importMeta: 'import.meta is not allowed in workflow scripts',
  require: 'require() is not allowed in workflow scripts',
  export: 'only `export const meta = {...}` may be exported (and, in module form, one `export default async function`)',
  duplicateDefault: 'a workflow may have only one `export default async function`',
  defaultNotAsyncFunction: 'export default must be an async function: `export default async function [name](args) { ... }`',
  wrapperEscape: 'Unexpected "}": this brace closes the workflow body early (unbalanced braces)',
} as const;

const GLOBALS_HINT = 'workflow scripts run sandboxed: use the globals agent, parallel, pipeline, phase, log, args, budget and workflow';

/** A top-level statement of the user's script, as the checks see it. */
export interface TopStatement {
  kind: 'meta' | 'default' | 'import' | 'export' | 'empty' | 'other';
  node: acorn.Node;
  /** For `default`: the exported expression (must be an async function). */
  value?: acorn.Node;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  form: 'body' | 'module';
  phaseTitles: string[];
}

/** Where a node of the checked AST is in the user's file; undefined for wrapper code. */
export type Locate = (node: acorn.Node) => SourceLocation | undefined;

/** Classifies the top level of a .js program (parsed from the user's own source). */
export function classifyProgram(program: acorn.Program): TopStatement[] {
  return program.body.map((node, index): TopStatement => {
    switch (node.type) {
      case 'ImportDeclaration':
        return { kind: 'import', node };
      case 'ExportDefaultDeclaration':
        return { kind: 'default', node, value: node.declaration };
      case 'ExportAllDeclaration':
        return { kind: 'export', node };
      case 'ExportNamedDeclaration':
        // A misplaced or misdeclared meta is meta.ts's to report, once.
        return { kind: exportsMeta(node) ? 'meta' : index === 0 ? 'meta' : 'export', node };
      case 'EmptyStatement':
        return { kind: 'empty', node };
      default:
        return { kind: 'other', node };
    }
  });
}

function exportsMeta(node: acorn.ExportNamedDeclaration): boolean {
  if (node.declaration?.type === 'VariableDeclaration') {
    return node.declaration.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === 'meta');
  }
  return node.specifiers.some((s) => s.local.type === 'Identifier' && s.local.name === 'meta');
}

/**
 * Classifies the statements inside the wrapper of esbuild's type-stripped output. Statements that
 * map to no user position are the wrapper's own. `escape` is set when the user's source closed
 * the wrapper early (S12): then the program has more than the one wrapper statement.
 */
export function classifyTranspiled(program: acorn.Program, locate: Locate): { statements: TopStatement[]; escape?: acorn.Node } {
  const [first] = program.body;
  const fn = program.body.length === 1 && first ? wrapperFunction(first) : undefined;
  if (!fn) return { statements: [], escape: escapeNode(program, locate) };
  const statements: TopStatement[] = [];
  for (const node of fn.body.body) {
    if (!locate(node)) continue;
    if (statements.length === 0 && node.type === 'VariableDeclaration' && node.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === 'meta')) {
      statements.push({ kind: 'meta', node });
    } else if (
      node.type === 'ExpressionStatement' &&
      node.expression.type === 'AssignmentExpression' &&
      node.expression.left.type === 'Identifier' &&
      node.expression.left.name === DEFAULT_VARIABLE
    ) {
      statements.push({ kind: 'default', node, value: node.expression.right });
    } else {
      statements.push({ kind: node.type === 'EmptyStatement' ? 'empty' : 'other', node });
    }
  }
  return { statements };
}

/** `globalThis.__workflow__ = async function __workflow__() {...}` and nothing else. */
function wrapperFunction(node: acorn.Statement | acorn.ModuleDeclaration): acorn.FunctionExpression | undefined {
  if (node.type !== 'ExpressionStatement' || node.expression.type !== 'AssignmentExpression') return undefined;
  const right = node.expression.right;
  return right.type === 'FunctionExpression' && right.id?.name === WORKFLOW_GLOBAL ? right : undefined;
}

/** The user's brace that closed the wrapper function: its closing `}`. */
function escapeNode(program: acorn.Program, locate: Locate): acorn.Node {
  let fn: acorn.FunctionExpression | undefined;
  const first = program.body[0] ?? program;
  walk(first, (node) => {
    if (!fn && node.type === 'FunctionExpression' && node.id?.name === WORKFLOW_GLOBAL) fn = node;
  });
  if (fn) {
    const end = fn.body.loc!.end;
    const closing: acorn.Node = { type: 'Punctuator', start: fn.body.end - 1, end: fn.body.end, loc: { start: { line: end.line, column: end.column - 1 }, end } };
    if (locate(closing)) return closing;
  }
  return program.body[1] ?? first;
}

/** F5/F7/F17/F22 on classified statements, plus phase titles (PH09) and undeclared phases (PH02). */
export function checkStatements(statements: TopStatement[], locate: Locate, declaredPhases?: PhaseMeta[]): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const error = (node: acorn.Node, message: string, hint?: string) => {
    const location = locate(node);
    diagnostics.push({ severity: 'error', message, ...(location ? { location } : {}), ...(hint ? { hint } : {}) });
  };

  const defaults = statements.filter((s) => s.kind === 'default');
  for (const statement of defaults.slice(1)) error(statement.node, MESSAGES.duplicateDefault);
  const moduleForm = defaults[0];
  if (moduleForm) {
    const value = moduleForm.value as acorn.AnyNode | undefined;
    const isAsyncFunction = (value?.type === 'FunctionDeclaration' || value?.type === 'FunctionExpression') && value.async && !value.generator;
    if (!isAsyncFunction) error(moduleForm.node, MESSAGES.defaultNotAsyncFunction);
    const defaultLine = locate(moduleForm.node)?.line;
    for (const statement of statements) {
      if (statement.kind !== 'other') continue;
      const line = locate(statement.node)?.line;
      error(
        statement.node,
        `a workflow uses either the module form or a top-level body, not both: line ${line} is a top-level statement next to \`export default async function\` (line ${defaultLine})`,
        'move the statement into the exported function, or drop `export default` and write the body at the top level',
      );
    }
  }

  const phaseTitles: string[] = [];
  const firstUse = new Map<string, acorn.Node>();
  for (const statement of statements) {
    if (statement.kind === 'import') {
      error(statement.node, MESSAGES.importDeclaration, GLOBALS_HINT);
      continue;
    }
    if (statement.kind === 'export') error(statement.node, MESSAGES.export);
    if (statement.kind === 'meta') continue;
    walk(statement.node, (node) => {
      switch (node.type) {
        case 'ImportExpression':
          error(node, MESSAGES.importCall, GLOBALS_HINT);
          break;
        case 'MetaProperty':
          if (node.meta.name === 'import') error(node, MESSAGES.importMeta);
          break;
        case 'CallExpression':
          if (node.callee.type !== 'Identifier') break;
          if (node.callee.name === 'require') error(node, MESSAGES.require, GLOBALS_HINT);
          else if (node.callee.name === 'phase') {
            const title = literalString(node.arguments[0]);
            if (title !== undefined && !firstUse.has(title)) {
              firstUse.set(title, node);
              phaseTitles.push(title);
            }
          }
          break;
      }
    });
  }

  if (declaredPhases) {
    const declared = new Set(declaredPhases.map((p) => p.title));
    for (const title of phaseTitles) {
      if (declared.has(title)) continue;
      const location = locate(firstUse.get(title)!);
      diagnostics.push({
        severity: 'warning',
        message: `phase("${title}") is not declared in meta.phases`,
        ...(location ? { location } : {}),
        hint: `add { title: ${JSON.stringify(title)} } to meta.phases, or correct the title`,
      });
    }
  }

  return { diagnostics, form: moduleForm ? 'module' : 'body', phaseTitles };
}

/** A string literal or a template without `${}`; dynamic titles are skipped (PH09). */
function literalString(node: acorn.Node | undefined): string | undefined {
  const n = node as acorn.AnyNode | undefined;
  if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n?.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}

function walk(root: acorn.Node, visit: (node: acorn.AnyNode) => void): void {
  const stack: acorn.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node as acorn.AnyNode);
    for (const key in node) {
      if (key === 'loc') continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) if (isNode(value[i])) stack.push(value[i]);
      } else if (isNode(value)) stack.push(value);
    }
  }
}

function isNode(value: unknown): value is acorn.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The top level of a .ts file, read from tokens (acorn cannot parse TypeScript). */
export interface TypeScriptTopLevel {
  diagnostics: Diagnostic[];
  /** Offsets of `export` in every top-level export of `meta` (meta.ts reports a misplaced one). */
  metaExports: number[];
  /** The first `export default ` up to the token after it, for the module-form rewrite. */
  defaultExport?: { start: number; end: number };
}

const tt = acorn.tokTypes;

/**
 * Finds top-level `import`/`export` in a .ts file before esbuild sees it, so that they get the same
 * messages as in .js and the module form can be rewritten. Tokens are mostly the same in
 * TypeScript; if the tokenizer gives up, what was found so far stands and esbuild reports the rest.
 */
export function scanTypeScriptTopLevel(source: string, file: string): TypeScriptTopLevel {
  const result: TypeScriptTopLevel = { diagnostics: [], metaExports: [] };
  const tokens: Array<acorn.Token & { value?: unknown }> = [];
  try {
    for (const token of acorn.tokenizer(source, PARSE_OPTIONS)) tokens.push(token);
  } catch {
    // Keep the tokens read so far.
  }
  let depth = 0;
  let defaults = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const type = token.type;
    if (type === tt.braceL || type === tt.dollarBraceL || type === tt.parenL || type === tt.bracketL) depth++;
    else if (type === tt.braceR || type === tt.parenR || type === tt.bracketR) depth--;
    if (depth !== 0) continue;
    const next = tokens[i + 1];
    if (type === tt._import) {
      if (next && (next.type === tt.parenL || next.type === tt.dot)) continue;
      result.diagnostics.push({ severity: 'error', message: MESSAGES.importDeclaration, location: nodeLocation(token as unknown as acorn.Node, file), hint: GLOBALS_HINT });
    } else if (type === tt._export) {
      const after = tokens[i + 2];
      const declares = next?.type === tt._const || next?.type === tt._var || next?.type === tt.braceL || (next?.type === tt.name && next.value === 'let');
      if (declares && after?.type === tt.name && after.value === 'meta') {
        // meta.ts reports a meta that is misplaced or misdeclared; blanking `export` avoids a second report.
        result.metaExports.push(token.start);
      } else if (next?.type === tt._default) {
        if (defaults++ === 0) result.defaultExport = { start: token.start, end: tokens[i + 2]?.start ?? next.end };
        else result.diagnostics.push({ severity: 'error', message: MESSAGES.duplicateDefault, location: nodeLocation(token as unknown as acorn.Node, file) });
      } else {
        result.diagnostics.push({ severity: 'error', message: MESSAGES.export, location: nodeLocation(token as unknown as acorn.Node, file) });
      }
    }
  }
  return result;
}

/**
 * Literal `phase()` titles of a .js source in order, deduplicated; `[]` when it does not parse
 * (PH09: for pre-seeding progress views). A compiled workflow carries its own `phaseTitles`.
 */
export function scanPhaseTitles(source: string): string[] {
  let program: acorn.Program;
  try {
    program = acorn.parse(source, PARSE_OPTIONS);
  } catch {
    return [];
  }
  return checkStatements(classifyProgram(program), () => undefined).phaseTitles;
}
