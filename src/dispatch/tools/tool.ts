/**
 * The tool contract for API-dispatched agents. A tool is a plain in-process object: the API
 * dispatcher offers it to the model, validates the model's input against `inputSchema`, calls
 * `execute`, and sends the returned text back. A tool never sees credentials and never runs a shell.
 *
 * Everything a tool touches on disk must resolve (through symlinks) inside `ToolContext.root`;
 * everything it fetches must pass the web policy. Both are enforced here, in the tools, not by the
 * model's good behaviour.
 */
import { WfError } from '../../errors.js';

/** JSON Schema of a tool's input; the root is always an object. */
export type ToolInputSchema = { type: 'object'; properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };

/** Limits for `web_fetch`. Never set by a workflow script: only config and tests choose them. */
export interface WebPolicy {
  /** Allow loopback, private, link-local, CGNAT and ULA addresses (tests, intranet docs). Default false. */
  allowPrivate: boolean;
  /** Host names allowed even when they resolve to private addresses. */
  allowHosts: readonly string[];
  /** Download cap in bytes (default 5 MB). */
  maxBytes: number;
  /** Whole-request time limit in ms, redirects included (default 20 s). */
  timeoutMs: number;
}

export const DEFAULT_WEB_POLICY: WebPolicy = Object.freeze({ allowPrivate: false, allowHosts: [], maxBytes: 5 * 1024 * 1024, timeoutMs: 20_000 });

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
  published?: string;
}

/** A web search provider (Tavily, Brave, SearXNG, …), chosen from the environment. */
export interface SearchBackend {
  readonly name: string;
  search(query: string, options: { maxResults: number; signal: AbortSignal }): Promise<SearchResult[]>;
}

export interface ToolContext {
  /** Absolute, symlink-free directory the agent works in (the project root, or its worktree). */
  root: string;
  signal: AbortSignal;
  web: WebPolicy;
  /** Absent when no search provider is configured; `web_search` is then not offered. */
  search?: SearchBackend;
}

export interface AgentTool {
  readonly name: string;
  /** What the model is told the tool does; part of the tool's digest in step keys. */
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  /** True when the tool reads project files: the agent's step key then includes a workspace fingerprint (C3). */
  readonly readsWorkspace: boolean;
  /** Bumped by hand when the tool's behaviour changes, so cached steps that used it are not reused. */
  readonly version: number;
  /** Returns the text shown to the model. Throws {@link ToolError} for a failure the model should see. */
  execute(input: Record<string, unknown>, context: ToolContext): Promise<string>;
}

/** A tool failure reported back to the model as an error result (never a failure of the agent). */
export class ToolError extends WfError {
  constructor(message: string) {
    super('WF_TOOL', message);
    this.name = 'ToolError';
  }
}
