/**
 * The error recipe every module follows (AI SDK style): one base class with a stable `name`, a
 * stable machine-readable `code`, an optional `hint` (what to do) and `location` (file:line:col).
 * A `Symbol.for` marker makes `isInstance` work across two copies of wf and after an error has
 * crossed the process wall as data.
 */

const MARKER = Symbol.for('wf.error');

/** A place in a user's file. `line` and `column` are both 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** The wire shape of an error, as it crosses the process wall or lands in a journal. */
export interface ErrorData {
  name: string;
  code: string;
  message: string;
  hint?: string;
  location?: SourceLocation;
  stack?: string;
}

export interface WfErrorOptions {
  hint?: string;
  location?: SourceLocation;
  cause?: unknown;
}

export class WfError extends Error {
  readonly [MARKER] = true;
  readonly code: string;
  readonly hint?: string;
  readonly location?: SourceLocation;

  constructor(code: string, message: string, options: WfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WfError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }

  /**
   * True for a wf error of this class (or a subclass). Works across two copies of wf: on a
   * subclass, an error from another copy matches by `name`.
   */
  static isInstance<T extends WfError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[MARKER] !== true) return false;
    return (this as unknown) === WfError || value instanceof this || (value as Error).name === this.name;
  }

  /** "file:line:col: message" when there is a location, the message otherwise. */
  describe(): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    return `${where}${this.message}`;
  }

  toData(): ErrorData {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.location === undefined ? {} : { location: this.location }),
    };
  }
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** Bad flags, bad arguments, bad configuration: exit code 2 (spec R2). */
export class WfUsageError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_USAGE', message, options);
    this.name = 'WfUsageError';
  }
}

/**
 * One problem found in a workflow file before it runs. Several of these are gathered into a
 * {@link WfValidationError} so that `wf validate` can print every problem, not only the first.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  location?: SourceLocation;
  hint?: string;
}

/** A workflow file that cannot run: syntax errors, bad meta, forbidden imports (F1–F7). Exit 2. */
export class WfValidationError extends WfError {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[], options: WfErrorOptions = {}) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    const message = first ? formatDiagnostic(first) : 'invalid workflow';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super('WF_VALIDATION', message + more, { location: first?.location, hint: first?.hint, ...options });
    this.name = 'WfValidationError';
    this.diagnostics = diagnostics;
  }
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = diagnostic.location ? `${formatLocation(diagnostic.location)}: ` : '';
  return `${where}${diagnostic.severity === 'warning' ? 'warning: ' : ''}${diagnostic.message}`;
}

/** Turns anything thrown into a message that is safe to show: no `Error: Error:` doubling. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
