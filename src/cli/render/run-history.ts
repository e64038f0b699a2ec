/** The `wf runs` table: one line per run, newest first, fitted to the terminal. */
import type { RunRow } from '../../runs/history.js';
import { formatDuration, formatTokens, formatUsd } from './format.js';
import { formatLocalTime } from './local-time.js';
import { renderTable, type Column } from './table.js';

export interface RunHistoryView {
  runs: RunRow[];
  /** More runs match than were listed. */
  more: boolean;
  /** Whether a state or workflow filter was given, for the empty message. */
  filtered: boolean;
  runsDir: string;
}

export function renderRunHistory({ runs, filtered, runsDir }: RunHistoryView, { width, now = Date.now() }: { width: number; now?: number }): string {
  if (runs.length === 0) {
    return filtered ? 'no runs match these filters (`wf runs --all` lists every run)' : `no runs yet in ${runsDir}; start one with \`wf run <workflow>\` (\`wf list\` shows what you can run)`;
  }
  const columns: Array<Column<RunRow>> = [
    { header: 'id', cell: (run) => run.id },
    { header: 'workflow', cell: (run) => run.workflow ?? '?', minWidth: 8 },
    { header: 'status', cell: (run) => run.state },
    { header: 'started', cell: (run) => formatLocalTime(run.startedAt, 'short', now) },
    { header: 'duration', cell: (run) => (run.durationMs === null ? '-' : formatDuration(run.durationMs)), align: 'right' },
    { header: 'live/cached/failed', cell: (run) => `${run.agents.live}/${run.agents.cached}/${run.agents.failed}`, align: 'right' },
    { header: 'tokens', cell: (run) => formatTokens(run.tokens), align: 'right' },
    { header: 'cost', cell: (run) => (run.costUsd === null ? '-' : formatUsd(run.costUsd)), align: 'right' },
  ];
  return renderTable(runs, columns, { width });
}
