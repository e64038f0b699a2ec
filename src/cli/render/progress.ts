/**
 * The plain progress view: one line per phase, agent and log event while a run goes. It is what
 * stderr shows when it is not a terminal (CI logs) or with `--plain`, and what `wf logs` prints.
 */
import { formatDuration, formatUsd } from './format.js';
import type { RunEvent } from '../../engine/events.js';
import type { CachedFrom } from '../../engine/step-reuse.js';

export function progressLine(event: RunEvent): string | null {
  switch (event.type) {
    case 'run-start':
      return `wf: run ${event.runId} started: ${event.workflow} (${event.file}) with the ${event.dispatcher} dispatcher`;
    case 'phase-start':
      return `▸ ${event.depth > 0 ? 'child phase' : 'phase'} ${event.title}`;
    case 'agent-start':
      return `  ◦ #${event.index} ${event.label} started`;
    case 'agent-end': {
      if (event.cached) return `  ✓ #${event.index} ${event.label} cached (${cachedFrom(event.cached)})`;
      const tokens = event.usage.input + event.usage.output + event.usage.reasoning;
      const detail = event.status === 'completed' ? `${formatDuration(event.durationMs)}, ${tokens} tokens` : event.error ?? '';
      const mark = event.status === 'completed' ? '✓' : event.status === 'failed' ? '✗' : '■';
      return `  ${mark} #${event.index} ${event.label} ${event.status}${detail ? ` (${detail})` : ''}`;
    }
    case 'log-write':
      return `  log: ${event.line}`;
    case 'warning':
      return `wf: warning: ${event.message}`;
    case 'run-stopping':
      return `wf: stopping (${event.reason}); no new agents start`;
    case 'run-end': {
      const { summary } = event;
      const tokens = summary.usage.input + summary.usage.output + summary.usage.reasoning;
      const cached = summary.cachedCount > 0 ? ` (${summary.cachedCount} cached)` : '';
      const cost = summary.costUsd === undefined ? '' : `, ${formatUsd(summary.costUsd)}`;
      return `wf: run ${summary.status} in ${formatDuration(summary.durationMs)}: ${summary.agentCount} agent${summary.agentCount === 1 ? '' : 's'}${cached}, ${tokens} tokens${cost}; ${summary.runDir}`;
    }
    default:
      return null;
  }
}

/** "from run wf_…" (the resumed run's journal) or "cache, from run wf_…" (the project's cache). */
export function cachedFrom(from: CachedFrom): string {
  return from.via === 'journal' ? `from run ${from.runId}` : `cache, from run ${from.runId}`;
}
