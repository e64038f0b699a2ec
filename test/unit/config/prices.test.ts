import { describe, expect, it } from 'vitest';
import { BUILTIN_PRICES, costOf, priceFor, priceTable } from '../../../src/config/prices.js';

describe('prices', () => {
  it('finds exact ids, dated ids by prefix, and provider wildcards', () => {
    expect(priceFor('openai/gpt-5-mini', BUILTIN_PRICES)?.output).toBe(2);
    expect(priceFor('openai/gpt-5-mini-2025-08-07', BUILTIN_PRICES)?.output).toBe(2);
    // the longest prefix wins: gpt-5-mini, not gpt-5
    expect(priceFor('openai/gpt-5-mini-2025-08-07', BUILTIN_PRICES)?.input).toBe(0.25);
    expect(priceFor('anthropic/claude-sonnet-4-5-20250929', BUILTIN_PRICES)?.input).toBe(3);
    expect(priceFor('ollama/qwen3:8b', BUILTIN_PRICES)).toEqual({ input: 0, output: 0 });
    expect(priceFor('openai/unknown-model', BUILTIN_PRICES)).toBeUndefined();
  });

  it('config overrides and extends the built-in table', () => {
    const table = priceTable({ prices: { 'openai/gpt-5-mini': { input: 1, output: 1 }, 'lmstudio/*': { input: 0, output: 0 } } });
    expect(priceFor('openai/gpt-5-mini', table)).toEqual({ input: 1, output: 1 });
    expect(priceFor('lmstudio/qwen', table)).toEqual({ input: 0, output: 0 });
    expect(priceFor('openai/gpt-5', table)?.input).toBe(1.25);
  });

  it('bills cache reads and writes at their own rates and reasoning as output', () => {
    const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    // 1M input of which 400k read and 100k written; 10k output + 5k reasoning
    const usage = { input: 1_000_000, cacheRead: 400_000, cacheWrite: 100_000, output: 10_000, reasoning: 5_000 };
    expect(costOf(usage, price)).toBeCloseTo(500_000 * 3e-6 + 400_000 * 0.3e-6 + 100_000 * 3.75e-6 + 15_000 * 15e-6, 10);
    // without cache prices the cache tokens cost the input price
    expect(costOf({ input: 1000, cacheRead: 1000, output: 0, reasoning: 0 }, { input: 1, output: 1 })).toBeCloseTo(0.001, 10);
  });
});
