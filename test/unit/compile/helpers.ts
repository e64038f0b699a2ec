import vm from 'node:vm';
import { expect } from 'vitest';
import { WfValidationError, formatDiagnostic } from '../../../src/errors.js';
import { GENERATED_FILENAME, compileWorkflow, readMeta, type CompiledWorkflow } from '../../../src/compile/index.js';

/** A valid meta line for a file named `w.*`. */
export const META = 'export const meta = { name: "w", description: "d" };';

/** Every diagnostic of a source that must fail to compile, as "file:line:col: message". */
export async function compileErrors(source: string, file = 'w.js'): Promise<string[]> {
  const error = await compileWorkflow(source, file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the compile to fail').toBeInstanceOf(WfValidationError);
  return (error as WfValidationError).diagnostics.map(formatDiagnostic);
}

/** Every diagnostic readMeta throws for a source, as "file:line:col: message". */
export function metaErrors(source: string, file = 'w.js'): string[] {
  try {
    readMeta(source, file);
  } catch (error) {
    expect(error).toBeInstanceOf(WfValidationError);
    return (error as WfValidationError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected readMeta to fail');
}

/**
 * Evaluates the generated code as a classic script in a fresh node:vm context (only to prove the
 * wrapper works; production uses isolated-vm) and calls `__workflow__()`.
 */
export async function runCompiled(compiled: CompiledWorkflow, args?: unknown, globals: Record<string, unknown> = {}): Promise<unknown> {
  const context = vm.createContext({ args, phase: () => undefined, ...globals });
  new vm.Script(compiled.code, { filename: GENERATED_FILENAME }).runInContext(context);
  const workflow = (context as { __workflow__: () => Promise<unknown> }).__workflow__;
  return await workflow();
}

/** The 1-based line:col of the first occurrence of `needle` (for sources too long to count by hand). */
export function at(source: string, needle: string, occurrence = 1): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = source.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`${needle} not in source`);
  const before = source.slice(0, index).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}
