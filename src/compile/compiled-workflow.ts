/**
 * The contract between compile/ and everything that runs or lists workflows. compile/ produces
 * these; discovery/ reads `WorkflowMeta` statically; the sandbox evaluates `code`; the engine maps
 * runtime stacks back to the user's lines with `sourceMap`.
 */
import type { Diagnostic } from '../errors.js';

/** One entry of `meta.phases` (spec F3). `model` is a display label only (PH04). */
export interface PhaseMeta {
  title: string;
  detail?: string;
  model?: string;
}

/** The static `export const meta = {...}` literal, validated (spec F1–F3). */
export interface WorkflowMeta {
  name: string;
  description: string;
  whenToUse?: string;
  phases?: PhaseMeta[];
  /** JSON Schema for the workflow's `args` [beyond]. */
  args?: Record<string, unknown>;
  /** Any other literal keys are kept as they are (Claude Code may add fields). */
  [key: string]: unknown;
}

/**
 * A workflow ready to run. `code` is a classic script (not a module) that, when evaluated, defines
 * `globalThis.__workflow__` as an async function taking no parameters (the body reads the global
 * `args`, which the sandbox must define, as `undefined` when there are none); calling it runs the
 * body (F4) or the module form's default export with `args` (F7) and resolves to the script's
 * result (`undefined` when the body has no `return`).
 */
export interface CompiledWorkflow {
  /** Absolute path of the source file (or a display name for inline sources). */
  file: string;
  /** The exact source text that was compiled. */
  source: string;
  meta: WorkflowMeta;
  /** `body`: top-level statements with return/await; `module`: `export default async function`. */
  form: 'body' | 'module';
  code: string;
  /** Source map (JSON text) from `code`, named {@link GENERATED_FILENAME}, back to `file`. */
  sourceMap: string;
  /** Non-fatal problems, e.g. meta.name differs from the file stem, undeclared phase() titles. */
  warnings: Diagnostic[];
  /** Literal `phase("...")` titles in source order, deduplicated (PH09). */
  phaseTitles: string[];
}

/** The filename the sandbox gives the generated code, so stack frames can be recognised and mapped. */
export const GENERATED_FILENAME = 'workflow.gen.js';
