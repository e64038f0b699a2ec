/**
 * What `wf runs prune` removed (or, with --dry-run, would remove), and what it deliberately left.
 * Runs it failed to remove are diagnostics, which the command writes to stderr.
 */
import bytes from 'bytes';
import type { PruneRunsResult } from '../../runs/prune.js';
import { formatLocalTime } from './local-time.js';
import { renderTable, type Column } from './table.js';

export function renderPrunedRuns(result: PruneRunsResult, { width }: { width: number }): string {
  const verb = result.dryRun ? 'would remove' : 'removed';
  const count = result.removed.length;
  const lines: string[] = [];
  if (count > 0) {
    const columns: Array<Column<PruneRunsResult['removed'][number]>> = [
      { header: 'id', cell: (run) => run.id },
      { header: 'workflow', cell: (run) => run.workflow ?? '?', minWidth: 8 },
      { header: 'status', cell: (run) => run.state },
      { header: 'started', cell: (run) => formatLocalTime(run.startedAt, 'short') },
      { header: 'size', cell: (run) => bytes(run.bytes) ?? '', align: 'right' },
    ];
    lines.push(renderTable(result.removed, columns, { width }));
  }
  lines.push(`${verb} ${count} run${count === 1 ? '' : 's'} started before ${formatLocalTime(result.cutoff, 'full')} (${bytes(result.freedBytes, { unitSeparator: ' ' })})`);
  for (const running of result.keptRunning) lines.push(`kept ${running.id}: still running${running.pid === null ? '' : ` (process ${running.pid})`}`);
  for (const path of result.worktreesLeft) lines.push(`left ${path}: it holds git worktrees of agents; remove each with \`git worktree remove <path>\``);
  return lines.join('\n');
}
