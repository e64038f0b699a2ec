/**
 * Durations as users write them (L4): a number of milliseconds, or a string with a unit —
 * `500ms`, `30s`, `5m`, `2h`, `7d`. Used by --timeout, --cpu-limit, agent(…, {timeout}) and TTLs.
 */
const MAX_DURATION_CHARS = 64;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or an Error message saying what was wrong with `value`. */
export function parseDuration(value: unknown): { ok: true; ms: number } | { ok: false; message: string } {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? { ok: true, ms: value } : { ok: false, message: `expected a positive number of milliseconds, got ${value}` };
  }
  if (typeof value === 'string') {
    // Trimmed and capped first, and a pattern with no adjacent repetitions: a script controls this
    // string, and a backtracking regex on the host could freeze the wf process.
    const text = value.length <= MAX_DURATION_CHARS ? value.trim() : '';
    const match = /^(\d{1,15}(?:\.\d{1,6})?) ?(ms|s|m|h|d)?$/.exec(text);
    if (match) {
      const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
      if (ms > 0) return { ok: true, ms };
    }
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return { ok: false, message: `expected a duration like 500ms, 30s, 5m, 2h or 7d, got "${shown}"` };
  }
  return { ok: false, message: `expected a duration (milliseconds or a string like "30s"), got ${typeof value}` };
}

/** A short human duration: 850ms, 4.2s, 42s, 3m07s, 2h05m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
