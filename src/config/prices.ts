/**
 * Model prices, so that usage becomes cost (`run.json`, `--max-cost`). The built-in table holds
 * list prices in USD per million tokens as published by the providers (late 2025); config
 * `prices` entries override or extend it. A key is `provider/model`, or `provider/*` for every
 * model of a provider (local models cost nothing).
 */
import type { Usage } from '../dispatch/dispatcher.js';
import type { Price, WfConfig } from './schema.js';

export type PriceTable = Record<string, Price>;

export const BUILTIN_PRICES: PriceTable = {
  'anthropic/claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'anthropic/claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'openai/gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'openai/gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'openai/gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'openai/gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'openai/gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  'ollama/*': { input: 0, output: 0 },
};

export function priceTable(config: WfConfig): PriceTable {
  return { ...BUILTIN_PRICES, ...config.prices };
}

/**
 * The price of a served model. Providers often report a dated id (`claude-sonnet-4-5-20250929`,
 * `gpt-5-mini-2025-08-07`): an exact key wins, then the longest key the id starts with followed by
 * `-`, then `provider/*`.
 */
export function priceFor(model: string, table: PriceTable): Price | undefined {
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key.endsWith('/*')) continue;
    if (model.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key;
  }
  if (best) return table[best];
  const slash = model.indexOf('/');
  return slash > 0 ? table[`${model.slice(0, slash)}/*`] : undefined;
}

/**
 * USD for one call. `usage.input` includes cache reads and writes (see Usage), which are billed at
 * their own rates when the price has them; reasoning tokens are billed as output.
 */
export function costOf(usage: Usage, price: Price): number {
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  const plainInput = Math.max(0, usage.input - cacheRead - cacheWrite);
  const dollars =
    plainInput * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (usage.output + usage.reasoning) * price.output;
  return dollars / 1_000_000;
}
