/**
 * Builds the dispatcher a configuration describes: every agent's model is resolved (call option >
 * agentType > run default, through aliases) and routed to the API dispatcher (openai, anthropic,
 * ollama, named OpenAI-compatible endpoints) or to an agent CLI (claude-code, codex), with
 * `isolation: 'worktree'` handled around both. Config decides; dispatch/ implements.
 */
import { createApiDispatcher } from '../dispatch/api/api-dispatcher.js';
import type { ResolvedAgent } from '../dispatch/api/endpoint.js';
import { createClaudeCodeDispatcher, createCodexDispatcher } from '../dispatch/cli/index.js';
import { profileOf, type AgentEvent, type AgentReply, type AgentRequest, type DispatchProfile, type Dispatcher, type ProfileRequest } from '../dispatch/dispatcher.js';
import { ProviderLimiters } from '../dispatch/provider-limiter.js';
import { DEFAULT_TOOL_NAMES, searchBackendFromEnv, toolsByName } from '../dispatch/tools/index.js';
import { DEFAULT_WEB_POLICY, type SearchBackend, type WebPolicy } from '../dispatch/tools/tool.js';
import { withWorktrees } from '../dispatch/worktree-dispatcher.js';
import type { LoadedConfig } from './load.js';
import { CLI_PROVIDERS, endpointFor, formatModelSpec, resolveModel, type ModelSpec } from './models.js';
import type { AgentTypeConfig, WfConfig } from './schema.js';

export interface ConfiguredDispatcherOptions {
  loaded: LoadedConfig;
  env: NodeJS.ProcessEnv;
  /** realpath'd project directory. */
  projectRoot: string;
  /** The run's default model (`provider/model`), from {@link chooseModel}. */
  defaultModel: string;
  /** Shared across runs of one process, so parallel runs respect one provider limit. */
  limiters?: ProviderLimiters;
  fetch?: typeof fetch;
}

/** CLI agents are whole agent runtimes; two at a time is what a 2-core machine sustains. */
const DEFAULT_CLI_CONCURRENCY = 2;

export function createConfiguredDispatcher(options: ConfiguredDispatcherOptions): Dispatcher {
  const { config } = options.loaded;
  const limiters = options.limiters ?? new ProviderLimiters();
  const web = webPolicy(config);
  const search = config.web?.search === 'none' ? undefined : searchFor(config, options.env, options.fetch);

  const api = createApiDispatcher({
    resolve: (request) => resolveApiAgent(request, config, options.env, search),
    projectRoot: options.projectRoot,
    web,
    ...(search ? { search } : {}),
    limiters,
    ...(config.retries ? { retry: config.retries } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const clis: Record<string, { dispatcher: Dispatcher; concurrency: number }> = {
    'claude-code': {
      dispatcher: createClaudeCodeDispatcher({ projectRoot: options.projectRoot, env: options.env, ...(config.cli?.claude?.bin ? { bin: config.cli.claude.bin } : {}) }),
      concurrency: config.cli?.claude?.concurrency ?? DEFAULT_CLI_CONCURRENCY,
    },
    codex: {
      dispatcher: createCodexDispatcher({ projectRoot: options.projectRoot, env: options.env, ...(config.cli?.codex?.bin ? { bin: config.cli.codex.bin } : {}) }),
      concurrency: config.cli?.codex?.concurrency ?? DEFAULT_CLI_CONCURRENCY,
    },
  };

  const router: Dispatcher = {
    name: 'models',
    profile(request: ProfileRequest): DispatchProfile | Promise<DispatchProfile> {
      const { spec, target } = route(request);
      const routed = { ...request, model: formatModelSpec(spec) };
      return target.profile ? target.profile(routed) : profileOf(target, routed);
    },
    async run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply> {
      const { spec, target, warnings } = route(request);
      for (const message of warnings) onEvent?.({ type: 'warning', message });
      const routed = { ...request, model: formatModelSpec(spec) };
      const cli = clis[spec.provider];
      if (!cli) return target.run(routed, signal, onEvent);
      const reply = await limiters.get(spec.provider, cli.concurrency).run(() => target.run(routed, signal, onEvent), signal);
      // CLIs report the bare id they ran (`claude-sonnet-4-5-20250929`); records say provider/model everywhere.
      return reply.model && !reply.model.includes('/') ? { ...reply, model: `${spec.provider}/${reply.model}` } : reply;
    },
  };

  function route(request: ProfileRequest): { spec: ModelSpec; target: Dispatcher; warnings: string[] } {
    const warnings: string[] = [];
    const agentType = agentTypeOf(request.agentType, config);
    if (request.agentType !== undefined && agentType === undefined) {
      warnings.push(`agentType "${request.agentType}" is not defined under "agentTypes" in config; the agent runs with the default tools and model`);
    }
    // The call's own model wins; then its agentType's; then the run's default.
    const wanted = request.modelIsDefault && agentType?.model ? agentType.model : request.model;
    const resolved = resolveModel(wanted, config, options.defaultModel);
    if (resolved.warning) warnings.push(resolved.warning);
    const target = CLI_PROVIDERS.has(resolved.spec.provider) ? clis[resolved.spec.provider]!.dispatcher : api;
    return { spec: resolved.spec, target, warnings };
  }

  return withWorktrees(router, options.projectRoot);
}

/** The API dispatcher's view of a routed request: `request.model` is already `provider/model`. */
function resolveApiAgent(request: ProfileRequest, config: WfConfig, env: NodeJS.ProcessEnv, search: SearchBackend | undefined): ResolvedAgent {
  const spec = resolveModel(request.model, config, undefined).spec;
  const agentType = agentTypeOf(request.agentType, config);
  const names = (agentType?.tools ?? config.tools ?? DEFAULT_TOOL_NAMES).filter((name) => name !== 'web_search' || search !== undefined);
  return {
    endpoint: endpointFor(spec.provider, config, env),
    modelId: spec.model,
    tools: toolsByName(names),
    ...(agentType?.system ? { system: agentType.system } : {}),
  };
}

function agentTypeOf(name: string | undefined, config: WfConfig): AgentTypeConfig | undefined {
  return name === undefined ? undefined : config.agentTypes?.[name];
}

function webPolicy(config: WfConfig): WebPolicy {
  const web = config.web ?? {};
  return {
    allowPrivate: web.allowPrivate ?? DEFAULT_WEB_POLICY.allowPrivate,
    allowHosts: web.allowHosts ?? DEFAULT_WEB_POLICY.allowHosts,
    maxBytes: web.maxBytes ?? DEFAULT_WEB_POLICY.maxBytes,
    timeoutMs: web.timeoutMs ?? DEFAULT_WEB_POLICY.timeoutMs,
  };
}

function searchFor(config: WfConfig, env: NodeJS.ProcessEnv, fetchImpl: typeof fetch | undefined): SearchBackend | undefined {
  const chosen = config.web?.search;
  return searchBackendFromEnv(chosen ? { ...env, WF_SEARCH_PROVIDER: chosen } : env, fetchImpl ? { fetch: fetchImpl } : undefined);
}
