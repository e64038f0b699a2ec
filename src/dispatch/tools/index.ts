/**
 * The built-in tools for API-dispatched agents, by name. Config names tools (`tools: ["read_file",
 * "grep"]`); this registry turns names into tool objects and gives each tool a digest, so a cached
 * step is not reused after a tool's description, schema or behaviour changed.
 */
import { ConfigError } from '../../config/errors.js';
import { canonicalJson, sha256Hex } from '../../cache/canonical-json.js';
import { globTool } from './glob.js';
import { grepTool } from './grep.js';
import { listDirTool } from './list-dir.js';
import { readFileTool } from './read-file.js';
import type { AgentTool } from './tool.js';
import { webFetchTool } from './web-fetch.js';
import { webSearchTool } from './web-search.js';

export type { AgentTool, SearchBackend, SearchResult, ToolContext, ToolInputSchema, WebPolicy } from './tool.js';
export { DEFAULT_WEB_POLICY, ToolError } from './tool.js';
export { createBraveBackend, createSearxngBackend, createTavilyBackend, searchBackendFromEnv } from './search-backends.js';
export type { KeyedBackendOptions, SearxngBackendOptions } from './search-backends.js';
export { DEFAULT_READ_DENYLIST, resolveInside } from './path-guard.js';
export { globTool, grepTool, listDirTool, readFileTool, webFetchTool, webSearchTool };

export const BUILTIN_TOOLS: Readonly<Record<string, AgentTool>> = Object.freeze({
  read_file: readFileTool,
  list_dir: listDirTool,
  glob: globTool,
  grep: grepTool,
  web_fetch: webFetchTool,
  web_search: webSearchTool,
});

/** Every built-in tool. The dispatcher leaves out `web_search` when no search backend is configured. */
export const DEFAULT_TOOL_NAMES: readonly string[] = Object.freeze(['read_file', 'list_dir', 'glob', 'grep', 'web_fetch', 'web_search']);

/** The tools with these names, in order, each once. An unknown name is a configuration error. */
export function toolsByName(names: readonly string[]): AgentTool[] {
  const tools: AgentTool[] = [];
  for (const name of names) {
    const tool = Object.hasOwn(BUILTIN_TOOLS, name) ? BUILTIN_TOOLS[name] : undefined;
    if (!tool) {
      const known = Object.keys(BUILTIN_TOOLS).join(', ');
      throw new ConfigError(`unknown tool ${JSON.stringify(name)}; known tools: ${known}`, { hint: `use one of: ${known}` });
    }
    if (!tools.includes(tool)) tools.push(tool);
  }
  return tools;
}

/** sha256 (hex) of the canonical JSON of what defines a tool for caching: name, description, input schema, version. */
export function toolDigest(tool: AgentTool): string {
  return sha256Hex(canonicalJson({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema, version: tool.version }));
}
