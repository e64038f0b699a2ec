import type { LanguageModelUsage } from 'ai';
import { describe, expect, it } from 'vitest';
import { normaliseUsage, sumUsage } from '../../../../src/dispatch/api/usage.js';

function usage(fields: {
  input?: number;
  noCache?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
  text?: number;
  reasoning?: number;
  raw?: Record<string, unknown>;
}): LanguageModelUsage {
  return {
    inputTokens: fields.input,
    inputTokenDetails: { noCacheTokens: fields.noCache, cacheReadTokens: fields.cacheRead, cacheWriteTokens: fields.cacheWrite },
    outputTokens: fields.output,
    outputTokenDetails: { textTokens: fields.text, reasoningTokens: fields.reasoning },
    totalTokens: undefined,
    ...(fields.raw ? { raw: fields.raw as LanguageModelUsage['raw'] } : {}),
  };
}

describe('normaliseUsage', () => {
  it('OpenAI chat: input includes cached tokens, output excludes reasoning', () => {
    // What @ai-sdk/openai makes of prompt_tokens 100 (60 cached), completion_tokens 10 (3 reasoning).
    const sdk = usage({ input: 100, noCache: 40, cacheRead: 60, output: 10, text: 7, reasoning: 3, raw: { prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 60 } } });
    expect(normaliseUsage(sdk)).toEqual({ input: 100, cacheRead: 60, output: 7, reasoning: 3 });
  });

  it('Anthropic: input is the SDK total (input + cache read + cache write)', () => {
    const sdk = usage({ input: 95, noCache: 20, cacheRead: 60, cacheWrite: 15, output: 7, raw: { input_tokens: 20, cache_read_input_tokens: 60, cache_creation_input_tokens: 15, output_tokens: 7 } });
    expect(normaliseUsage(sdk)).toEqual({ input: 95, cacheRead: 60, cacheWrite: 15, output: 7, reasoning: 0 });
  });

  it('keeps a reported zero but leaves an unreported cache field absent', () => {
    // The SDK writes cacheRead 0 when the wire had no cached_tokens at all.
    expect(normaliseUsage(usage({ input: 10, cacheRead: 0, output: 5, raw: { prompt_tokens: 10, completion_tokens: 5 } }))).toEqual({ input: 10, output: 5, reasoning: 0 });
    expect(normaliseUsage(usage({ input: 10, cacheRead: 0, output: 5, raw: { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } } }))).toEqual({ input: 10, cacheRead: 0, output: 5, reasoning: 0 });
    expect(normaliseUsage(usage({ input: 10, cacheRead: 0, cacheWrite: 0, output: 5, raw: { input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } }))).toEqual({
      input: 10,
      cacheRead: 0,
      cacheWrite: 0,
      output: 5,
      reasoning: 0,
    });
    expect(normaliseUsage(usage({ input: 10, output: 5 }))).toEqual({ input: 10, output: 5, reasoning: 0 });
  });

  it('derives text output from the total when the provider has no text count', () => {
    expect(normaliseUsage(usage({ input: 1, output: 50, reasoning: 20 }))).toEqual({ input: 1, output: 30, reasoning: 20 });
  });

  it('treats missing usage as zero', () => {
    expect(normaliseUsage(undefined)).toEqual({ input: 0, output: 0, reasoning: 0 });
    expect(normaliseUsage(usage({}))).toEqual({ input: 0, output: 0, reasoning: 0 });
  });
});

describe('sumUsage', () => {
  it('adds every field and keeps a cache field when either side has it', () => {
    expect(sumUsage({ input: 1, output: 2, reasoning: 3 }, { input: 10, output: 20, reasoning: 30, cacheRead: 5 })).toEqual({ input: 11, output: 22, reasoning: 33, cacheRead: 5 });
    expect(sumUsage({ input: 1, output: 0, reasoning: 0, cacheWrite: 2 }, { input: 1, output: 0, reasoning: 0, cacheWrite: 3 })).toEqual({ input: 2, output: 0, reasoning: 0, cacheWrite: 5 });
  });
});
