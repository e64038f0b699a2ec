/** Shared helpers for the tool tests: a real temp root and a context around it. */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_WEB_POLICY, ToolError, type AgentTool, type SearchBackend, type ToolContext, type WebPolicy } from '../../../../src/dispatch/tools/tool.js';

/** A fresh temp directory, realpath'd (macOS puts tmpdir behind a symlink). */
export async function tempDir(prefix: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), `wf-tools-${prefix}-`)));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export function contextFor(root: string, options: { web?: Partial<WebPolicy>; search?: SearchBackend; signal?: AbortSignal } = {}): ToolContext {
  return {
    root,
    signal: options.signal ?? new AbortController().signal,
    web: { ...DEFAULT_WEB_POLICY, ...options.web },
    ...(options.search ? { search: options.search } : {}),
  };
}

/** The ToolError message `promise` rejects with (fails the test when it resolves or throws something else). */
export async function toolError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(ToolError.isInstance(error), `expected a ToolError, got ${String(error)}`).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ToolError, but the call succeeded');
}

export function run(tool: AgentTool, context: ToolContext, input: Record<string, unknown>): Promise<string> {
  return tool.execute(input, context);
}
