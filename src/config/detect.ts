/**
 * What can serve agents on this machine, without configuration (design decision 7): API keys in
 * the environment, a local Ollama, the `claude` and `codex` CLIs on PATH. `wf doctor` prints the
 * whole list; auto-detection takes the first usable entry. Nothing here prints or returns a key.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_PROVIDER_MODELS, ollamaBaseURL } from './models.js';
import type { WfConfig } from './schema.js';

export interface ProviderStatus {
  provider: string;
  kind: 'api' | 'local' | 'cli';
  available: boolean;
  /** The model auto-detection would choose on this provider. */
  model?: string;
  /** Why it is or is not available: "ANTHROPIC_API_KEY is set", "not found on PATH", … (never a key). */
  detail: string;
}

export interface DetectOptions {
  env: NodeJS.ProcessEnv;
  config?: WfConfig;
  /** Probe a local Ollama over loopback (300 ms). Off when an earlier provider already answers. */
  probeLocal?: boolean;
  /** Stop at the first available provider (auto-detection) instead of listing all (`wf doctor`). */
  firstOnly?: boolean;
  fetch?: typeof fetch;
}

const set = (env: NodeJS.ProcessEnv, name: string) => env[name] !== undefined && env[name] !== '';

/** Providers in auto-detection order. */
export async function detectProviders(options: DetectOptions): Promise<ProviderStatus[]> {
  const { env } = options;
  const found: ProviderStatus[] = [];
  const done = () => options.firstOnly === true && found.some((status) => status.available);

  found.push(
    set(env, 'ANTHROPIC_API_KEY')
      ? { provider: 'anthropic', kind: 'api', available: true, model: `anthropic/${DEFAULT_PROVIDER_MODELS.anthropic}`, detail: `ANTHROPIC_API_KEY is set${set(env, 'ANTHROPIC_BASE_URL') ? `; ANTHROPIC_BASE_URL=${env.ANTHROPIC_BASE_URL}` : ''}` }
      : { provider: 'anthropic', kind: 'api', available: false, detail: 'ANTHROPIC_API_KEY is not set' },
  );
  if (done()) return found;

  const openaiKey = set(env, 'OPENAI_API_KEY');
  const openaiBase = set(env, 'OPENAI_BASE_URL');
  found.push(
    openaiKey || openaiBase
      ? {
          provider: 'openai',
          kind: 'api',
          available: true,
          model: `openai/${DEFAULT_PROVIDER_MODELS.openai}`,
          detail: [openaiKey ? 'OPENAI_API_KEY is set' : 'OPENAI_API_KEY is not set (a compatible server may not need one)', openaiBase ? `OPENAI_BASE_URL=${env.OPENAI_BASE_URL}` : ''].filter(Boolean).join('; '),
        }
      : { provider: 'openai', kind: 'api', available: false, detail: 'OPENAI_API_KEY is not set' },
  );
  if (done()) return found;

  if (options.probeLocal !== false) {
    found.push(await probeOllama(env, options.fetch ?? fetch));
    if (done()) return found;
  }

  for (const [provider, bin] of [
    ['claude-code', options.config?.cli?.claude?.bin ?? 'claude'],
    ['codex', options.config?.cli?.codex?.bin ?? 'codex'],
  ] as const) {
    const path = findOnPath(bin, env.PATH ?? '');
    found.push(
      path
        ? { provider, kind: 'cli', available: true, model: `${provider}/${DEFAULT_PROVIDER_MODELS[provider]}`, detail: `${bin} found at ${path}` }
        : { provider, kind: 'cli', available: false, detail: `${bin} not found on PATH` },
    );
    if (done()) return found;
  }

  for (const [name, provider] of Object.entries(options.config?.providers ?? {})) {
    if (['openai', 'anthropic', 'ollama'].includes(name)) continue;
    const keyOk = provider.apiKeyEnv === undefined || set(env, provider.apiKeyEnv);
    found.push({
      provider: name,
      kind: 'api',
      available: keyOk && provider.baseURL !== undefined,
      detail: `configured: ${provider.baseURL ?? 'no baseURL'}${provider.apiKeyEnv ? `; ${provider.apiKeyEnv} is ${keyOk ? 'set' : 'not set'}` : ''} (used when a model names it)`,
    });
  }
  return found;
}

/** A loopback Ollama answering `/v1/models` within 300 ms; its first model is the one to use. */
async function probeOllama(env: NodeJS.ProcessEnv, fetchImpl: typeof fetch): Promise<ProviderStatus> {
  const base = ollamaBaseURL(env);
  try {
    const response = await fetchImpl(`${base}/models`, { signal: AbortSignal.timeout(300) });
    if (!response.ok) return { provider: 'ollama', kind: 'local', available: false, detail: `${base} answered ${response.status}` };
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    const first = body.data?.find((entry) => typeof entry.id === 'string')?.id as string | undefined;
    if (!first) return { provider: 'ollama', kind: 'local', available: false, detail: `${base} is running but has no models (ollama pull <model>)` };
    return { provider: 'ollama', kind: 'local', available: true, model: `ollama/${first}`, detail: `running at ${base} with ${body.data!.length} model(s)` };
  } catch {
    return { provider: 'ollama', kind: 'local', available: false, detail: `nothing answers at ${base}` };
  }
}

/** The executable `name` on `PATH`, or undefined. A name with a slash is checked as a path. */
export function findOnPath(name: string, path: string): string | undefined {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
