/**
 * The API dispatcher: an agent is a conversation with a model API (OpenAI Chat Completions,
 * Anthropic Messages, or any OpenAI-compatible server) driven by wf's own loop (loop.ts), with
 * in-process tools confined to the project. The AI SDK v6 speaks the wire; config/ resolves which
 * endpoint, key and tools a request gets (`resolve`).
 */
import { sha256Hex } from '../../cache/canonical-json.js';
import { AgentStoppedError, type AgentEvent, type AgentReply, type AgentRequest, type DispatchProfile, type Dispatcher, type ProfileRequest } from '../dispatcher.js';
import { ProviderLimiters } from '../provider-limiter.js';
import type { RetryOptions } from '../retry.js';
import { toolDigest } from '../tools/index.js';
import type { SearchBackend, WebPolicy } from '../tools/tool.js';
import type { ResolvedAgent } from './endpoint.js';
import { runAgentLoop } from './loop.js';
import { createLanguageModel, effortSettings } from './models.js';
import { buildSystemPrompt } from './preamble.js';

/**
 * Behaviour version of this dispatcher, part of every step key (C1). Bump it by hand whenever the
 * preamble, the submit tool, the nudge / budget messages or the loop policy change.
 */
export const API_HARNESS_VERSION = 1;
export const API_HARNESS = `api@${API_HARNESS_VERSION}`;

export { toolDigest };

export interface ApiDispatcherOptions {
  /** Which endpoint, model, tools and system prompt a request gets. May throw a WfError (unknown model/provider). */
  resolve(request: ProfileRequest): ResolvedAgent;
  /** realpath'd project root: the tools' root when `request.cwd` is absent. */
  projectRoot: string;
  web: WebPolicy;
  search?: SearchBackend;
  /** One registry per process; default: a new one. */
  limiters?: ProviderLimiters;
  /** Overrides of the retry policy (tests pass tiny delays or a fake sleep). */
  retry?: Partial<RetryOptions>;
  /** Handed to the AI SDK providers (tests). */
  fetch?: typeof fetch;
  now?: () => number;
}

export function createApiDispatcher(options: ApiDispatcherOptions): Dispatcher {
  silenceSdkWarningLog();
  const limiters = options.limiters ?? new ProviderLimiters();
  const now = options.now ?? Date.now;
  const reportedWarnings = new Set<string>();

  return {
    name: 'api',

    profile(request: ProfileRequest): DispatchProfile {
      return apiProfile(request, options.resolve(request));
    },

    async run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply> {
      if (signal.aborted) throw new AgentStoppedError();
      const agent = options.resolve(request);
      const { endpoint, modelId } = agent;
      const model = createLanguageModel(endpoint, modelId, options.fetch);
      const effort = effortSettings(endpoint, modelId, request.effort);
      const emit = (event: AgentEvent) => {
        try {
          onEvent?.(event);
        } catch {
          // A listener's bug must not fail the agent.
        }
      };
      try {
        return await runAgentLoop({
          model,
          provider: endpoint.provider,
          modelId,
          system: buildSystemPrompt({ schema: request.schema !== undefined, ...(agent.system === undefined ? {} : { agentSystem: agent.system }) }),
          request,
          tools: agent.tools,
          toolContext: { root: request.cwd ?? options.projectRoot, signal, web: options.web, ...(options.search ? { search: options.search } : {}) },
          ...(effort.providerOptions ? { providerOptions: effort.providerOptions } : {}),
          limiter: limiters.get(endpoint.provider, endpoint.concurrency),
          ...(options.retry ? { retry: options.retry } : {}),
          secrets: endpoint.apiKey ? [endpoint.apiKey] : [],
          signal,
          onEvent: emit,
          now,
          reportedWarnings,
        });
      } catch (error) {
        if (signal.aborted) throw new AgentStoppedError();
        throw error;
      }
    },
  };
}

/**
 * The AI SDK prints provider warnings to the console unless `globalThis.AI_SDK_LOG_WARNINGS` is
 * false. wf reports them as agent warnings instead (loop.ts), so the console print is turned off,
 * unless the embedding program has set its own logger.
 */
function silenceSdkWarningLog(): void {
  const global = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  if (global.AI_SDK_LOG_WARNINGS === undefined) global.AI_SDK_LOG_WARNINGS = false;
}

/** What `run` would do with `request` (C1): harness, resolved model, sent params, system and tool digests. */
export function apiProfile(request: ProfileRequest, agent: ResolvedAgent): DispatchProfile {
  const { endpoint, modelId } = agent;
  const { params } = effortSettings(endpoint, modelId, request.effort);
  const system = buildSystemPrompt({ schema: request.schema !== undefined, ...(agent.system === undefined ? {} : { agentSystem: agent.system }) });
  return {
    harness: API_HARNESS,
    model: `${endpoint.provider}/${modelId}`,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    system: sha256Hex(system),
    tools: agent.tools.map((tool) => ({ name: tool.name, digest: toolDigest(tool) })),
    readsWorkspace: agent.tools.some((tool) => tool.readsWorkspace),
  };
}
