/**
 * Times as people read them: in the local time zone, in a fixed-width, sortable shape. Data
 * (`--json`, run.json) keeps ISO 8601 in UTC; only what is drawn for a person is local.
 */

/**
 * `short` fits a table column: `11-21 14:03` this year, `2025-11-21` before. `full` is
 * `2026-11-21 14:03:07`. An unreadable time is shown as `-`.
 */
export function formatLocalTime(iso: string | null, style: 'short' | 'full', now: number = Date.now()): string {
  const time = iso === null ? Number.NaN : Date.parse(iso);
  if (!Number.isFinite(time)) return '-';
  const date = new Date(time);
  const day = `${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (style === 'full') return `${date.getFullYear()}-${day} ${clock}:${two(date.getSeconds())}`;
  return date.getFullYear() === new Date(now).getFullYear() ? `${day} ${clock}` : `${date.getFullYear()}-${day}`;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}
