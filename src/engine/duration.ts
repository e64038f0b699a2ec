/**
 * Durations as users write them (L4): a number of milliseconds, or a string with a unit —
 * `500ms`, `30s`, `5m`, `2h`, `7d`. Used by --timeout, --cpu-limit, agent(…, {timeout}) and TTLs.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or an Error message saying what was wrong with `value`. */
export function parseDuration(value: unknown): { ok: true; ms: number } | { ok: false; message: string } {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? { ok: true, ms: value } : { ok: false, message: `expected a positive number of milliseconds, got ${value}` };
  }
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (match) {
      const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
      if (ms > 0) return { ok: true, ms };
    }
    return { ok: false, message: `expected a duration like 500ms, 30s, 5m, 2h or 7d, got "${value}"` };
  }
  return { ok: false, message: `expected a duration (milliseconds or a string like "30s"), got ${typeof value}` };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}
