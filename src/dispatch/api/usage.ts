/**
 * Token usage of one model turn, from the AI SDK v6 shape to wf's {@link Usage}. Meanings:
 *
 * - `input`: every prompt token of the turn, cache reads and cache writes included. The SDK's
 *   `inputTokens` already means that for every provider: for Anthropic (whose wire `input_tokens`
 *   EXCLUDES cache) @ai-sdk/anthropic adds `cache_read_input_tokens` and
 *   `cache_creation_input_tokens` back in; for OpenAI `prompt_tokens` includes `cached_tokens`.
 * - `cacheRead` / `cacheWrite`: `inputTokenDetails.cacheReadTokens` / `cacheWriteTokens`, only when
 *   the provider reported them. The SDK turns an absent wire field into 0 (OpenAI chat always sets
 *   cacheRead, Anthropic sets both), so a 0 is kept only when the raw provider usage has the field;
 *   absent stays absent.
 * - `output`: output tokens EXCLUDING reasoning (`outputTokenDetails.textTokens`, else total minus
 *   reasoning).
 * - `reasoning`: `outputTokenDetails.reasoningTokens`, 0 when not reported.
 */
import type { LanguageModelUsage } from 'ai';
import type { Usage } from '../dispatcher.js';

/** Raw usage fields (one level deep, or under `*_details`) that report a cache read / write. */
const RAW_CACHE_READ = ['cache_read_input_tokens', 'cached_tokens', 'cache_read_tokens', 'cachedInputTokens'];
const RAW_CACHE_WRITE = ['cache_creation_input_tokens', 'cache_write_tokens', 'cache_creation_tokens'];

export function normaliseUsage(usage: LanguageModelUsage | undefined): Usage {
  if (!usage) return { input: 0, output: 0, reasoning: 0 };
  const input = count(usage.inputTokens);
  const reasoning = count(usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens);
  const text = usage.outputTokenDetails?.textTokens;
  const output = text !== undefined && Number.isFinite(text) ? Math.max(0, text) : Math.max(0, count(usage.outputTokens) - reasoning);
  const result: Usage = { input, output, reasoning };
  const raw = usage.raw as Record<string, unknown> | undefined;
  const cacheRead = usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens;
  const cacheWrite = usage.inputTokenDetails?.cacheWriteTokens;
  if (reported(cacheRead, raw, RAW_CACHE_READ)) result.cacheRead = count(cacheRead);
  if (reported(cacheWrite, raw, RAW_CACHE_WRITE)) result.cacheWrite = count(cacheWrite);
  return result;
}

/** The sum of two usages; a cache field is present when either side has it. */
export function sumUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { input: a.input + b.input, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
  if (a.cacheRead !== undefined || b.cacheRead !== undefined) sum.cacheRead = (a.cacheRead ?? 0) + (b.cacheRead ?? 0);
  if (a.cacheWrite !== undefined || b.cacheWrite !== undefined) sum.cacheWrite = (a.cacheWrite ?? 0) + (b.cacheWrite ?? 0);
  return sum;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function reported(value: number | undefined, raw: Record<string, unknown> | undefined, rawKeys: readonly string[]): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value > 0) return true;
  // A zero: believe it only when the provider's own usage carried the field.
  return raw === undefined ? false : hasRawKey(raw, rawKeys);
}

function hasRawKey(raw: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const [key, value] of Object.entries(raw)) {
    if (keys.includes(key) && typeof value === 'number') return true;
    if (key.endsWith('_details') && typeof value === 'object' && value !== null) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) if (keys.includes(inner) && typeof innerValue === 'number') return true;
    }
  }
  return false;
}
