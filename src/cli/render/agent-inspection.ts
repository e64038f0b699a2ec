/**
 * `wf inspect <run> --agent <index|label>` for people: everything recorded about one agent, in
 * full (prompt, result and activity are never cut), from the AgentInspection that `--json` prints.
 */
import type { AgentInspection } from '../../runs/inspect.js';
import { formatDuration, formatUsd } from './format.js';
import { formatLocalTime } from './local-time.js';
import { cachedFrom } from './progress.js';
import { describeUsage } from './run-inspection.js';
import { printableText, singleLine } from './terminal-text.js';

export function renderAgentInspection(agent: AgentInspection): string {
  const fields: Array<[string, string]> = [
    ['agent', `#${agent.index} ${agent.label}`],
    ['run', `${agent.runId}${agent.phase === null ? '' : `, phase ${agent.phase}`}${agent.depth > 0 ? `, nested workflow depth ${agent.depth}` : ''}`],
    ['status', agent.status],
  ];
  if (agent.error !== null) fields.push(['error', agent.error]);
  fields.push(['model', describeModel(agent)]);
  if (agent.dispatcher) fields.push(['dispatcher', agent.dispatcher]);
  if (agent.key !== null) fields.push(['key', agent.key]);
  if (agent.reuse) fields.push(['reuse', agent.reuse.decision === 'hit' ? `reused (${cachedFrom(agent.reuse.from)})` : `ran live (${agent.reuse.reason})`]);
  fields.push(['times', describeTimes(agent)]);
  fields.push(['tokens', describeUsage(agent.usage)]);
  fields.push(['cost', agent.costUsd === null ? '-' : formatUsd(agent.costUsd)]);
  if (agent.attempts !== null) fields.push(['attempts', String(agent.attempts)]);
  if (agent.toolCalls !== null) fields.push(['tool calls', String(agent.toolCalls)]);
  if (agent.worktree) {
    fields.push(['worktree', agent.worktree.path]);
    for (const line of agent.worktree.diffStat.trimEnd().split('\n')) fields.push(['', line]);
  }
  if (agent.options !== null) fields.push(['options', JSON.stringify(agent.options)]);
  const labelWidth = Math.max(...fields.map(([label]) => label.length));
  const sections = [fields.map(([label, value]) => `${label.padEnd(labelWidth)}  ${singleLine(value)}`.trimEnd()).join('\n')];
  sections.push(block('prompt', agent.prompt ?? '(not recorded yet)'));
  if (agent.status === 'completed') sections.push(block('result', typeof agent.result === 'string' ? agent.result : JSON.stringify(agent.result, null, 2)));
  const activity = agent.activity.map((entry) => `${entry.offsetMs === null ? '?' : `+${formatDuration(Math.max(0, entry.offsetMs))}`}  ${singleLine(entry.text)}`);
  sections.push(block(`activity (${agent.activity.length})`, activity.length === 0 ? '(none recorded)' : activity.join('\n')));
  return sections.join('\n\n');
}

function describeModel(agent: AgentInspection): string {
  const served = agent.model;
  const requested = agent.requestedModel;
  if (requested === null) return served ?? 'unknown';
  if (served === null || served === requested) return `${requested}${served === null ? ' (asked for)' : ''}`;
  return `${served} (asked for ${requested})`;
}

/** Absolute start, then each step relative to when the agent was queued. */
function describeTimes(agent: AgentInspection): string {
  const origin = agent.queuedAt ?? agent.startedAt;
  if (origin === null) return 'unknown';
  const since = (iso: string | null) => (iso === null ? null : formatDuration(Math.max(0, Date.parse(iso) - Date.parse(origin))));
  const parts = [`queued ${formatLocalTime(origin, 'full')}`];
  const started = since(agent.startedAt);
  if (started !== null) parts.push(`started +${started}`);
  const ended = since(agent.endedAt);
  if (ended !== null) parts.push(`ended +${ended}`);
  if (agent.durationMs !== null) parts.push(`ran ${formatDuration(agent.durationMs)}`);
  return parts.join(', ');
}

/** A titled, indented block of text from the agent or the model: printable, line breaks kept, never cut. */
function block(title: string, text: string): string {
  return `${title}\n${printableText(text)
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n')}`;
}
