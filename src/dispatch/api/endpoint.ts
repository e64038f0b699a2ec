/**
 * What the API dispatcher needs to call one model: the endpoint (resolved from config and the
 * environment by config/, never by the dispatcher itself) and the agent's tools and system prompt.
 */
import type { AgentTool } from '../tools/tool.js';

/** The wire protocol an endpoint speaks. */
export type ApiKind = 'openai' | 'anthropic' | 'openai-compatible';

export interface ApiEndpoint {
  /** The provider name as written in model specs: `openai`, `anthropic`, `ollama`, or a name from config. */
  provider: string;
  kind: ApiKind;
  /** Overrides the provider's default URL (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `OLLAMA_HOST`/v1, config). */
  baseURL?: string;
  /** Read from the environment on the host; never written to a record, a log or an error message. */
  apiKey?: string;
  /** Extra request headers from config (no secrets: those come from `apiKeyEnv`). */
  headers?: Record<string, string>;
  /** Model calls in flight at once on this provider, across all agents of the process. */
  concurrency: number;
}

/** One agent call, resolved: which model on which endpoint, with which tools and instructions. */
export interface ResolvedAgent {
  endpoint: ApiEndpoint;
  /** The model id as the provider knows it (`gpt-4.1-mini`, `claude-sonnet-4-5`, `qwen3:8b`). */
  modelId: string;
  tools: AgentTool[];
  /** The agent profile's system prompt (config `agentTypes`), added after the engine's preamble. */
  system?: string;
}
