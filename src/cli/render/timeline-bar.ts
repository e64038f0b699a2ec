/**
 * One agent's bar on its run's time axis, for `wf inspect`: where it waited for a concurrency slot
 * and where it worked, so overlap (parallelism) and queueing show at a glance. Every cell covers an
 * equal slice of the run; an agent that worked at all gets at least one cell, however short it was.
 * A reused step did no work; `wf inspect` names where it came from instead of drawing a bar.
 */

export const BAR_CELLS = { idle: '·', queued: '░', working: '█', reused: '↺' } as const;

/** What the bar characters mean, for a line above the timeline. */
export const BAR_LEGEND = `${BAR_CELLS.working} working  ${BAR_CELLS.queued} queued  ${BAR_CELLS.reused} reused`;

/** Offsets in milliseconds from the start of the run; null when unknown. */
export interface BarSpan {
  queuedMs: number | null;
  startMs: number | null;
  endMs: number | null;
}

export function timelineBar(span: BarSpan, axisMs: number, width: number): string {
  const axis = Math.max(axisMs, 1);
  const cellOf = (ms: number) => Math.min(width - 1, Math.max(0, Math.floor((ms / axis) * width)));
  const cells: string[] = Array.from({ length: width }, () => BAR_CELLS.idle);
  if (width <= 0) return '';
  const workStart = span.startMs;
  const queueEnd = workStart ?? span.endMs;
  if (span.queuedMs !== null && queueEnd !== null) fill(cells, span.queuedMs, queueEnd, axis, BAR_CELLS.queued);
  if (workStart !== null) {
    const workEnd = span.endMs ?? workStart;
    fill(cells, workStart, workEnd, axis, BAR_CELLS.working);
    cells[cellOf(workStart)] = BAR_CELLS.working;
  }
  return cells.join('');
}

/** Marks every cell whose slice of the axis overlaps [from, to). */
function fill(cells: string[], from: number, to: number, axis: number, mark: string): void {
  const width = cells.length;
  for (let index = 0; index < width; index += 1) {
    const cellStart = (index / width) * axis;
    const cellEnd = ((index + 1) / width) * axis;
    if (cellStart < to && cellEnd > from) cells[index] = mark;
  }
}
