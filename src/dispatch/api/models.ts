/**
 * Builds the AI SDK language model for an endpoint, and maps `effort` to provider options.
 *
 * The SDK providers read `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY` and
 * `ANTHROPIC_BASE_URL` themselves when a setting is missing. config/ is the single place that reads
 * the environment, so every setting is passed explicitly here: a missing key becomes an empty one
 * (the server then answers 401) and a missing base URL the provider's public one.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel, streamText } from 'ai';
import type { Effort } from '../dispatcher.js';
import type { ApiEndpoint } from './endpoint.js';
import { ProviderConfigError } from './errors.js';

export type ProviderOptions = NonNullable<Parameters<typeof streamText>[0]['providerOptions']>;

const OPENAI_URL = 'https://api.openai.com/v1';
const ANTHROPIC_URL = 'https://api.anthropic.com/v1';

export function createLanguageModel(endpoint: ApiEndpoint, modelId: string, fetchImpl?: typeof fetch): LanguageModel {
  const fetchOption = fetchImpl ? { fetch: fetchImpl } : {};
  const headers = endpoint.headers ? { headers: endpoint.headers } : {};
  switch (endpoint.kind) {
    case 'openai':
      // `.chat`: Chat Completions, which every OpenAI-compatible OPENAI_BASE_URL speaks (the
      // default `openai(id)` would use the Responses API).
      return createOpenAI({ apiKey: endpoint.apiKey ?? '', baseURL: endpoint.baseURL ?? OPENAI_URL, ...headers, ...fetchOption }).chat(modelId);
    case 'anthropic':
      return createAnthropic({ apiKey: endpoint.apiKey ?? '', baseURL: endpoint.baseURL ?? ANTHROPIC_URL, ...headers, ...fetchOption })(modelId);
    case 'openai-compatible': {
      if (!endpoint.baseURL) {
        throw new ProviderConfigError(`provider "${endpoint.provider}" is OpenAI-compatible but has no base URL`, {
          hint: `set "baseURL" for "${endpoint.provider}" under "providers" in the config`,
        });
      }
      return createOpenAICompatible({
        name: endpoint.provider,
        baseURL: endpoint.baseURL,
        ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
        ...headers,
        // Without it, streamed responses carry no usage at all.
        includeUsage: true,
        ...fetchOption,
      }).chatModel(modelId);
    }
  }
}

/** OpenAI reasoning models: o1, o3, o4-mini, … and the gpt-5 family. */
export function isOpenAIReasoningModel(modelId: string): boolean {
  return /^o\d/.test(modelId) || modelId.startsWith('gpt-5');
}

export interface EffortSettings {
  providerOptions?: ProviderOptions;
  /** What is sent, for the step key (profile().params). */
  params: Record<string, unknown>;
}

/**
 * `effort` becomes a provider option only where it is safe and meaningful:
 * - OpenAI reasoning models: `reasoningEffort` low/medium/high (xhigh and max map to high, the top
 *   value every reasoning model accepts).
 * - Anthropic: not sent. Effort there means extended thinking, which needs a token budget that
 *   must fit under max_tokens, forbids forced tool choice (our final submit turn) and requires
 *   thinking blocks to be passed back unchanged between tool turns. Until that is designed, the
 *   effort option is ignored for Anthropic models (and it does not enter the step key).
 * - OpenAI-compatible servers and non-reasoning models: not sent (unknown or rejected).
 */
export function effortSettings(endpoint: ApiEndpoint, modelId: string, effort: Effort | undefined): EffortSettings {
  if (effort === undefined) return { params: {} };
  if (endpoint.kind === 'openai' && isOpenAIReasoningModel(modelId)) {
    const reasoningEffort = effort === 'xhigh' || effort === 'max' ? 'high' : effort;
    return { providerOptions: { openai: { reasoningEffort } }, params: { reasoningEffort } };
  }
  return { params: {} };
}
