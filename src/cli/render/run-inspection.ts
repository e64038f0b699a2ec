/**
 * `wf inspect <run>` for people: the run's summary, then its agents phase by phase on the run's
 * time axis, usage per model, and the agents' errors. Everything shown comes from the
 * RunInspection that `--json` prints.
 */
import { formatLocation } from '../../errors.js';
import type { Usage } from '../../dispatch/dispatcher.js';
import type { InspectedAgent, InspectedAgentStatus, RunInspection } from '../../runs/inspect.js';
import { formatDuration, formatTokens, formatUsd, totalTokens } from './format.js';
import { formatLocalTime } from './local-time.js';
import { singleLine } from './terminal-text.js';
import { COLUMN_GAP, layoutTable, renderTable, type Column } from './table.js';
import { displayWidth, truncateToWidth } from './text-width.js';
import { BAR_CELLS, BAR_LEGEND, timelineBar } from './timeline-bar.js';

export interface InspectionRenderOptions {
  /** Terminal columns to fit. */
  width: number;
}

const STATUS_MARKS: Record<InspectedAgentStatus, string> = {
  completed: '✓',
  failed: '✗',
  stopped: '■',
  running: '◦',
  queued: '…',
  interrupted: '!',
};

/** Narrowest timeline worth drawing. */
const MIN_BAR_WIDTH = 10;
const INDENT = '  ';

export function renderRunInspection(run: RunInspection, { width }: InspectionRenderOptions): string {
  const sections = [summaryLines(run, width).join('\n')];
  const agents = run.phases.flatMap((phase) => phase.agents);
  if (agents.length > 0) sections.push(timelineLines(run, width).join('\n'));
  const models = Object.entries(run.byModel);
  if (models.length > 0) {
    const columns: Array<Column<(typeof models)[number]>> = [
      { header: 'model', cell: ([model]) => model, minWidth: 12 },
      { header: 'agents', cell: ([, usage]) => String(usage.agents), align: 'right' },
      { header: 'input', cell: ([, usage]) => formatTokens(usage.usage.input), align: 'right' },
      { header: 'output', cell: ([, usage]) => formatTokens(usage.usage.output + usage.usage.reasoning), align: 'right' },
      { header: 'cost', cell: ([, usage]) => (usage.costUsd === undefined ? '-' : formatUsd(usage.costUsd)), align: 'right' },
    ];
    sections.push(`models\n${indent(renderTable(models, columns, { width: width - INDENT.length }))}`);
  }
  const failures = agents.filter((agent) => agent.error !== null);
  if (failures.length > 0) {
    sections.push(['errors', ...failures.map((agent) => `${INDENT}${STATUS_MARKS[agent.status]} #${agent.index} ${singleLine(agent.label)}: ${singleLine(agent.error ?? '')}`)].join('\n'));
  }
  return sections.join('\n\n');
}

function summaryLines(run: RunInspection, width: number): string[] {
  const fields: Array<[string, string]> = [
    ['run', run.runId],
    ['workflow', [run.workflow ?? '?', run.file ?? ''].filter(Boolean).join('  ')],
    ['status', describeState(run)],
    ['started', `${formatLocalTime(run.startedAt, 'full')}${run.durationMs === null ? '' : `, ${run.state === 'running' ? 'running for' : 'took'} ${formatDuration(run.durationMs)}`}`],
    ['model', run.model ?? '-'],
    ['dispatcher', run.dispatcher ?? '-'],
    ['agents', describeAgents(run)],
    ['tokens', describeUsage(run.usage)],
    ['cost', describeCost(run)],
    ['budget', run.budget === null ? 'none' : `${run.budget} tokens, ${run.usage.output + run.usage.reasoning} spent`],
  ];
  if (run.resumedFrom) fields.push(['resumed', `from ${run.resumedFrom.runId} (${run.resumedFrom.mode} mode)`]);
  if (run.error) {
    fields.push(['error', `${run.error.name}: ${run.error.message}`]);
    if (run.error.location) fields.push(['', `at ${formatLocation(run.error.location)}`]);
    if (run.error.hint) fields.push(['', `hint: ${run.error.hint}`]);
  } else if (run.state === 'completed') {
    fields.push(['result', resultPreview(run.result, width - 10)]);
  }
  if (run.reportFile) fields.push(['report', run.reportFile]);
  for (const [index, warning] of run.warnings.entries()) fields.push([index === 0 ? 'warnings' : '', warning]);
  const labelWidth = Math.max(...fields.map(([label]) => label.length));
  // Values hold script and model text (file names, messages, results): one printable line each.
  return fields.map(([label, value]) => `${label.padEnd(labelWidth)}  ${singleLine(value)}`.trimEnd());
}

function describeState(run: RunInspection): string {
  switch (run.state) {
    case 'running':
      return `running${run.pid === null ? '' : ` (process ${run.pid})`}`;
    case 'interrupted':
      return `interrupted: its process${run.pid === null ? '' : ` ${run.pid}`} ended without recording an end; \`wf resume ${run.runId}\` continues it`;
    default:
      return run.state;
  }
}

function describeCost(run: RunInspection): string {
  if (run.costUsd !== null) return formatUsd(run.costUsd);
  return run.tokens === 0 ? '- (nothing ran live)' : '- (no price known for the models used)';
}

function describeAgents({ agents }: RunInspection): string {
  const parts = [`${agents.live} live`, `${agents.cached} cached`, `${agents.failed} failed`, `${agents.stopped} stopped`];
  if (agents.running) parts.push(`${agents.running} running`);
  if (agents.queued) parts.push(`${agents.queued} queued`);
  if (agents.interrupted) parts.push(`${agents.interrupted} interrupted`);
  return `${agents.total}: ${parts.join(', ')}`;
}

export function describeUsage(usage: Usage): string {
  const parts = [`input ${usage.input}`, `output ${usage.output}`, `reasoning ${usage.reasoning}`];
  if (usage.cacheRead !== undefined) parts.push(`cache read ${usage.cacheRead}`);
  if (usage.cacheWrite !== undefined) parts.push(`cache write ${usage.cacheWrite}`);
  return `${totalTokens(usage)} (${parts.join(', ')})`;
}

/** One line of the result: a string's first line, anything else as compact JSON. */
function resultPreview(result: unknown, width: number): string {
  if (result === null || result === undefined) return 'none';
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  const lines = text.split('\n');
  const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
  const first = truncateToWidth(lines[0]!, Math.max(20, width - more.length));
  return first === text ? text : `${first}${more}; all of it: --json`;
}

/** The agents phase by phase, each with a bar over the run's time axis. */
function timelineLines(run: RunInspection, width: number): string[] {
  const agents = run.phases.flatMap((phase) => phase.agents);
  const columns: Array<Column<InspectedAgent>> = [
    { header: '', cell: (agent) => (isReused(agent) ? BAR_CELLS.reused : STATUS_MARKS[agent.status]) },
    { header: '#', cell: (agent) => `#${agent.index}`, align: 'right' },
    { header: 'agent', cell: (agent) => agent.label, minWidth: 8 },
    { header: 'time', cell: agentDuration, align: 'right' },
    { header: 'tokens', cell: (agent) => formatTokens(agent.tokens), align: 'right' },
    { header: 'cost', cell: (agent) => (agent.costUsd === null ? '-' : formatUsd(agent.costUsd)), align: 'right' },
  ];
  const available = width - INDENT.length;
  // Long labels are cut before the timeline shrinks below a third of the line: the bars are the point.
  const layout = layoutTable(agents, columns, available - COLUMN_GAP.length - Math.max(MIN_BAR_WIDTH, Math.floor(available / 3)));
  const barWidth = Math.max(MIN_BAR_WIDTH, available - layout.width - COLUMN_GAP.length);
  const axisMs = run.durationMs ?? Math.max(0, ...agents.map((agent) => agent.endOffsetMs ?? 0));
  const axisEnd = formatDuration(axisMs);
  const axis = `0${' '.repeat(Math.max(1, barWidth - 1 - axisEnd.length))}${axisEnd}`;
  const lines = [`timeline  ${BAR_LEGEND}`, `${INDENT}${padLine(layout.header, layout.width)}${COLUMN_GAP}${axis}`];
  const showTitles = run.phases.length > 1 || run.phases[0]?.title !== null;
  for (const phase of run.phases) {
    if (showTitles) lines.push(`▸ ${phase.title === null ? '(no phase)' : singleLine(phase.title)}`);
    for (const agent of phase.agents) {
      const bar = agent.cachedFrom && isReused(agent)
        ? truncateToWidth(`${BAR_CELLS.reused} ${agent.cachedFrom.runId} (${agent.cachedFrom.via === 'journal' ? 'resumed run' : 'cache'})`, barWidth)
        : timelineBar({ queuedMs: agent.queuedOffsetMs, startMs: agent.startOffsetMs, endMs: agent.endOffsetMs }, axisMs, barWidth);
      lines.push(`${INDENT}${padLine(layout.line(agent), layout.width)}${COLUMN_GAP}${bar}`);
    }
  }
  return lines;
}

/** A step answered from an earlier run (C2): it did no work in this one. */
function isReused(agent: InspectedAgent): boolean {
  return agent.cachedFrom !== null && agent.status === 'completed';
}

function agentDuration(agent: InspectedAgent): string {
  if (isReused(agent)) return 'cached';
  if (agent.durationMs !== null) return formatDuration(agent.durationMs);
  return agent.status === 'queued' || agent.status === 'interrupted' ? agent.status : '-';
}

/** A table line padded back to the table's width (the layout trims trailing spaces). */
function padLine(line: string, width: number): string {
  return line + ' '.repeat(Math.max(0, width - displayWidth(line)));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${INDENT}${line}`))
    .join('\n');
}
