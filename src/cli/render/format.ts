/**
 * Numbers as the CLI shows them, shared by the progress view, `wf runs`, `wf inspect` and
 * `wf status`, so the same quantity always reads the same way.
 */

export { formatDuration } from '../../engine/duration.js';
export { totalTokens } from '../../dispatch/dispatcher.js';

/** Dollars with enough digits to see a small run's cost: $0.0042, $1.27. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** A token count in a narrow column: 950, 12.3k, 4.1M. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 100_000) return `${(tokens / 1000).toFixed(1)}k`;
  if (tokens < 1_000_000) return `${Math.round(tokens / 1000)}k`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}
