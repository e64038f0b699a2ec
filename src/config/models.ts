/**
 * Model specs (`provider/model`), aliases, and the endpoint behind each provider. This is the one
 * place that reads provider environment variables (`OPENAI_API_KEY`, `ANTHROPIC_BASE_URL`,
 * `OLLAMA_HOST`, a named provider's `apiKeyEnv`); the keys it reads go straight into an
 * {@link ApiEndpoint} and nowhere else.
 */
import type { ApiEndpoint, ApiKind } from '../dispatch/api/endpoint.js';
import { UnknownModelError } from './errors.js';
import type { WfConfig } from './schema.js';

export interface ModelSpec {
  provider: string;
  /** The model id as the provider knows it; may itself contain `/` (`openrouter/anthropic/claude-…`). */
  model: string;
}

/** Providers that exist without configuration. */
export const BUILTIN_PROVIDERS = ['openai', 'anthropic', 'ollama', 'claude-code', 'codex'] as const;
/** Providers served by an agent CLI rather than an API. */
export const CLI_PROVIDERS = new Set(['claude-code', 'codex']);

/** The model a provider runs when it is chosen without one (auto-detection, `--model anthropic`). */
export const DEFAULT_PROVIDER_MODELS: Record<string, string> = {
  anthropic: 'claude-sonnet-4-5',
  openai: 'gpt-5-mini',
  'claude-code': 'default',
  codex: 'default',
};

/** Claude Code's model aliases, so its saved workflows run unchanged (`model: 'haiku'`). */
export const CLAUDE_ALIASES: Record<string, string> = {
  sonnet: 'claude-sonnet-4-5',
  opus: 'claude-opus-4-1',
  haiku: 'claude-haiku-4-5',
};

/** Remote APIs take many requests at once; a local server only queues them; a CLI is a whole agent runtime. */
const DEFAULT_CONCURRENCY = { remote: 8, local: 2 } as const;

export function parseModelSpec(spec: string): ModelSpec {
  const slash = spec.indexOf('/');
  if (slash <= 0) {
    // `--model anthropic` picks the provider's default model.
    if (DEFAULT_PROVIDER_MODELS[spec]) return { provider: spec, model: DEFAULT_PROVIDER_MODELS[spec] };
    throw new UnknownModelError(`"${spec}" is not a model: write provider/model (e.g. openai/gpt-5-mini) or an alias from config`);
  }
  const model = spec.slice(slash + 1);
  if (model === '') throw new UnknownModelError(`"${spec}" names no model after the provider`);
  return { provider: spec.slice(0, slash), model };
}

export function formatModelSpec({ provider, model }: ModelSpec): string {
  return `${provider}/${model}`;
}

export function knownProviders(config: WfConfig): string[] {
  return [...new Set([...BUILTIN_PROVIDERS, ...Object.keys(config.providers ?? {})])];
}

export interface ResolvedModel {
  spec: ModelSpec;
  /** Set when an alias was mapped in a way the user should hear about. */
  warning?: string;
}

/**
 * Turns what a script or flag says (`openai/gpt-5-mini`, `fast`, `haiku`, `inherit`, or nothing)
 * into a concrete provider and model. `fallback` is the run's default model.
 */
export function resolveModel(requested: string | undefined, config: WfConfig, fallback: string | undefined): ResolvedModel {
  const defaultSpec = () => {
    if (fallback === undefined) throw new UnknownModelError('no model is configured for this agent');
    return parseModelSpec(fallback);
  };
  if (requested === undefined || requested === 'inherit' || requested === 'default') return { spec: defaultSpec() };
  const alias = config.aliases?.[requested];
  if (alias !== undefined) return resolveModel(alias === requested ? undefined : alias, { ...config, aliases: {} }, fallback);
  if (requested.includes('/')) {
    const spec = parseModelSpec(requested);
    if (!knownProviders(config).includes(spec.provider)) {
      throw new UnknownModelError(`unknown provider "${spec.provider}" in model "${requested}"`, {
        hint: `known providers: ${knownProviders(config).join(', ')}; add others under "providers" in .boocode/config.json`,
      });
    }
    return { spec };
  }
  const claudeModel = CLAUDE_ALIASES[requested];
  if (claudeModel !== undefined) {
    const base = defaultSpec();
    if (base.provider === 'anthropic') return { spec: { provider: 'anthropic', model: claudeModel } };
    if (base.provider === 'claude-code') return { spec: { provider: 'claude-code', model: requested } };
    return {
      spec: base,
      warning: `model "${requested}" is a Claude alias, and this run's default is ${formatModelSpec(base)}: those agents run on it (map "${requested}" under "aliases" in .boocode/config.json to choose another)`,
    };
  }
  if (DEFAULT_PROVIDER_MODELS[requested]) return { spec: parseModelSpec(requested) };
  throw new UnknownModelError(`unknown model "${requested}": write provider/model or define the alias in config`, {
    hint: `aliases in config: ${Object.keys(config.aliases ?? {}).join(', ') || 'none'}`,
  });
}

/**
 * The endpoint of an API provider, from config and the environment. Throws when the provider is
 * a CLI, unknown, or lacks the key it needs.
 */
export function endpointFor(provider: string, config: WfConfig, env: NodeJS.ProcessEnv): ApiEndpoint {
  const configured = config.providers?.[provider];
  const keyFrom = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const withCommon = (endpoint: ApiEndpoint): ApiEndpoint => ({
    ...endpoint,
    ...(configured?.headers ? { headers: configured.headers } : {}),
    concurrency: configured?.concurrency ?? endpoint.concurrency,
  });
  switch (provider) {
    case 'openai': {
      const baseURL = configured?.baseURL ?? keyFrom('OPENAI_BASE_URL');
      const apiKey = keyFrom(configured?.apiKeyEnv ?? 'OPENAI_API_KEY');
      if (apiKey === undefined && baseURL === undefined) throw missingKey('openai', configured?.apiKeyEnv ?? 'OPENAI_API_KEY');
      // A compatible server behind OPENAI_BASE_URL often wants no key; the client still needs a string.
      return withCommon({ provider, kind: configured?.type ?? 'openai', ...(baseURL ? { baseURL } : {}), apiKey: apiKey ?? 'not-needed', concurrency: concurrencyFor(baseURL) });
    }
    case 'anthropic': {
      const baseURL = configured?.baseURL ?? keyFrom('ANTHROPIC_BASE_URL');
      const apiKey = keyFrom(configured?.apiKeyEnv ?? 'ANTHROPIC_API_KEY');
      if (apiKey === undefined) throw missingKey('anthropic', configured?.apiKeyEnv ?? 'ANTHROPIC_API_KEY');
      return withCommon({ provider, kind: 'anthropic', ...(baseURL ? { baseURL: withV1(baseURL) } : {}), apiKey, concurrency: concurrencyFor(baseURL) });
    }
    case 'ollama': {
      const baseURL = configured?.baseURL ?? ollamaBaseURL(env);
      return withCommon({ provider, kind: 'openai-compatible', baseURL, apiKey: keyFrom(configured?.apiKeyEnv ?? 'OLLAMA_API_KEY') ?? 'ollama', concurrency: concurrencyFor(baseURL) });
    }
    case 'claude-code':
    case 'codex':
      throw new UnknownModelError(`${provider} is an agent CLI, not an API provider`);
    default: {
      if (!configured) throw new UnknownModelError(`unknown provider "${provider}"`, { hint: 'define it under "providers" in .boocode/config.json with a baseURL' });
      if (!configured.baseURL) throw new UnknownModelError(`provider "${provider}" has no baseURL in config`);
      const kind: ApiKind = configured.type ?? 'openai-compatible';
      const apiKey = configured.apiKeyEnv ? keyFrom(configured.apiKeyEnv) : undefined;
      if (configured.apiKeyEnv && apiKey === undefined) throw missingKey(provider, configured.apiKeyEnv);
      return withCommon({ provider, kind, baseURL: kind === 'anthropic' ? withV1(configured.baseURL) : configured.baseURL, ...(apiKey ? { apiKey } : { apiKey: 'not-needed' }), concurrency: concurrencyFor(configured.baseURL) });
    }
  }
}

/** `OLLAMA_HOST` is `host:port` or a URL (default 127.0.0.1:11434); its OpenAI API lives at /v1. */
export function ollamaBaseURL(env: NodeJS.ProcessEnv): string {
  const host = env.OLLAMA_HOST?.trim() || '127.0.0.1:11434';
  const url = /^https?:\/\//.test(host) ? host : `http://${host}`;
  return withV1(url);
}

/**
 * Anthropic's own SDK and Claude Code take ANTHROPIC_BASE_URL without `/v1`; the AI SDK's client
 * wants it with. Accept both.
 */
function withV1(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

function concurrencyFor(baseURL: string | undefined): number {
  if (baseURL === undefined) return DEFAULT_CONCURRENCY.remote;
  try {
    const host = new URL(baseURL).hostname;
    return ['localhost', '127.0.0.1', '::1', '[::1]'].includes(host) ? DEFAULT_CONCURRENCY.local : DEFAULT_CONCURRENCY.remote;
  } catch {
    return DEFAULT_CONCURRENCY.remote;
  }
}

function missingKey(provider: string, variable: string): UnknownModelError {
  return new UnknownModelError(`${provider}: ${variable} is not set`, { hint: `export ${variable}=… (wf never stores keys in files), or choose another model (wf doctor)` });
}
