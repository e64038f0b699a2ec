/**
 * One frame of the live progress view, as terminal lines: a header with the run's totals, its
 * phases with the agents running in them, and its folded warnings. Pure, like the model it draws
 * (progress-state.ts): the same state, size and time give the same lines, so tests need no
 * terminal. Every line fits `width` columns (wide CJK and emoji characters count two) and the
 * frame has at most `height − 1` lines: log-update can only erase what is still on the screen.
 */
import cliTruncate from 'cli-truncate';
import type picocolors from 'picocolors';
import { formatDuration, formatTokens, formatUsd } from './format.js';
import { displayWidth, padToWidth } from './text-width.js';
import {
  agentTotal,
  doneCount,
  isPhaseDone,
  phaseElapsedMs,
  runElapsedMs,
  type ActiveAgent,
  type FoldedWarning,
  type PhaseProgress,
  type ProgressState,
} from './progress-state.js';

/** picocolors' formatters, all identity functions when colour is off (`createColors(false)`). */
export type Colors = ReturnType<typeof picocolors.createColors>;

export interface FrameOptions {
  /** Terminal columns: no line of the frame is wider. */
  width: number;
  /** Terminal rows: the frame has at most `height − 1` lines. */
  height: number;
  /** The time the frame shows (ms since the epoch), for the elapsed times of what is still going. */
  now: number;
  colors: Colors;
}

/** Below this width the progress bar and the model column are left out: label and activity matter more. */
const WIDE_COLUMNS = 80;
const BAR_CELLS = 10;
const MAX_WARNING_LINES = 4;
/** The share of the token budget at which the header shows it in yellow, as the engine warns (run.ts). */
const BUDGET_NEAR_SHARE = 0.8;
const SEPARATOR = ' · ';

/** The frame's lines, top to bottom: header, phases with their running agents, warnings. */
export function renderFrame(state: ProgressState, options: FrameOptions): string[] {
  const maxLines = Math.max(0, options.height - 1);
  const top = [identityLine(state, options), ...totalsLines(state, options)];
  if (state.stopping !== null && !state.ended) top.push(options.colors.yellow(`■ stopping: ${state.stopping}; no new agents start`));
  const room = maxLines - top.length;
  // One line is kept for the phases, however many warnings there are.
  const warnings = warningLines(state.warnings, Math.min(MAX_WARNING_LINES, room - 1), options.colors);
  const body = bodyLines(state, room - warnings.length, options);
  return [...top, ...body, ...warnings].slice(0, maxLines).map((line) => truncate(line, options.width));
}

function identityLine(state: ProgressState, { now, colors }: FrameOptions): string {
  if (state.runId === null) return `wf ${colors.dim('starting…')}`;
  const elapsed = formatDuration(runElapsedMs(state, now));
  const status = state.ended?.summary.status;
  const tail =
    status === undefined ? elapsed : `${status === 'completed' ? colors.green(status) : status === 'failed' ? colors.red(status) : colors.yellow(status)} in ${elapsed}`;
  return `wf ${colors.bold(state.workflow ?? '')} · ${colors.dim(state.runId)} · ${tail}`;
}

/** The run's totals, packed into as few lines as fit `width`, so a narrow terminal cuts none of them. */
function totalsLines(state: ProgressState, { width, colors }: FrameOptions): string[] {
  const { counts } = state;
  const parts: Array<{ text: string; paint?: (text: string) => string }> = [{ text: `agents ${doneCount(counts)}/${agentTotal(counts)} done` }];
  if (counts.running > 0) parts.push({ text: `${counts.running} running` });
  if (counts.queued > 0) parts.push({ text: `${counts.queued} queued` });
  if (counts.cached > 0) parts.push({ text: `${counts.cached} cached` });
  if (counts.failed > 0) parts.push({ text: `${counts.failed} failed`, paint: colors.red });
  if (counts.stopped > 0) parts.push({ text: `${counts.stopped} stopped`, paint: colors.yellow });
  parts.push({ text: `${formatTokens(state.tokens)} tokens` });
  if (state.costUsd !== undefined) parts.push({ text: formatUsd(state.costUsd) });
  const budget = state.budget;
  if (budget?.total) {
    const share = budget.spent / budget.total;
    const paint = share >= 1 ? colors.red : share >= BUDGET_NEAR_SHARE ? colors.yellow : undefined;
    parts.push({ text: `budget ${Math.floor(share * 100)}% of ${formatTokens(budget.total)}`, ...(paint ? { paint } : {}) });
  }
  // The parts are ASCII, so their length is their width.
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  for (const { text, paint } of parts) {
    if (lineWidth > 0 && lineWidth + SEPARATOR.length + text.length > width) {
      lines.push(line);
      line = '';
      lineWidth = 0;
    }
    const separator = lineWidth > 0 ? SEPARATOR : '';
    line += separator + (paint ? paint(text) : text);
    lineWidth += separator.length + text.length;
  }
  lines.push(line);
  return lines;
}

/** At most `room` lines; when warnings do not fit, the latest ones are kept. */
function warningLines(warnings: readonly FoldedWarning[], room: number, colors: Colors): string[] {
  if (room <= 0 || warnings.length === 0) return [];
  const line = (warning: FoldedWarning) => colors.yellow(`! ${warning.text}`);
  if (warnings.length <= room) return warnings.map(line);
  const shown = warnings.slice(warnings.length - (room - 1));
  const hidden = warnings.length - shown.length;
  return [colors.yellow(`! … ${hidden} earlier warning${hidden === 1 ? '' : 's'}`), ...shown.map(line)].slice(-room);
}

interface PhaseBlock {
  phase: PhaseProgress;
  running: ActiveAgent[];
}

/**
 * The phases, each followed by its running agents, in `room` lines. When they do not fit, finished
 * phases fold into one line first, then agents beyond the room become "… and N more running".
 */
function bodyLines(state: ProgressState, room: number, options: FrameOptions): string[] {
  if (room <= 0) return [];
  const running = state.active;
  const titles = new Set(state.phases.map((phase) => phase.title));
  const blocks: PhaseBlock[] = state.phases.map((phase) => ({ phase, running: running.filter((agent) => agent.phase === phase.title) }));
  const phaseless = running.filter((agent) => agent.phase === null || !titles.has(agent.phase));
  const phaselessHeader = phaseless.length > 0 && blocks.length > 0 ? 1 : 0;

  const finished = blocks.filter((block) => isPhaseDone(block.phase));
  const foldFinished = finished.length >= 2 && blocks.length + phaselessHeader + running.length > room;
  const shownBlocks = foldFinished ? blocks.filter((block) => !isPhaseDone(block.phase)) : blocks;
  const phaseRows = shownBlocks.length + (foldFinished ? 1 : 0) + phaselessHeader;

  // Agents shown: the longest-running first (queue order), as many as fit with the "more" line.
  let agentRoom = room - phaseRows;
  if (running.length > agentRoom) agentRoom = Math.max(0, agentRoom - 1);
  const shown = new Set(running.slice(0, agentRoom).map((agent) => agent.index));
  const hidden = running.length - shown.size;

  const columns = layoutColumns(
    shownBlocks.map((block) => block.phase),
    running.filter((agent) => shown.has(agent.index)),
    options.width,
  );
  const rows: Row[] = [];
  if (foldFinished) rows.push({ line: finishedPhasesLine(finished.map((block) => block.phase), options.colors), keep: KEEP.finishedPhase });
  for (const block of shownBlocks) {
    const keep = isPhaseDone(block.phase) ? KEEP.finishedPhase : block.running.length > 0 ? KEEP.runningPhase : KEEP.pendingPhase;
    rows.push({ line: phaseLine(state, block, columns, options), keep });
    for (const agent of block.running) if (shown.has(agent.index)) rows.push({ line: agentLine(agent, '    ', columns, options), keep: KEEP.runningPhase });
  }
  if (phaselessHeader) rows.push({ line: options.colors.dim('· (no phase)'), keep: KEEP.runningPhase });
  const phaselessIndent = blocks.length > 0 ? '    ' : '  ';
  for (const agent of phaseless) if (shown.has(agent.index)) rows.push({ line: agentLine(agent, phaselessIndent, columns, options), keep: KEEP.runningPhase });
  if (hidden > 0) rows.push({ line: options.colors.dim(`    … and ${hidden} more running`), keep: KEEP.moreRunning });
  // Phases alone can outgrow a short terminal: drop the rows that matter least, earliest first.
  while (rows.length > room) {
    const least = Math.min(...rows.map((row) => row.keep));
    rows.splice(rows.findIndex((row) => row.keep === least), 1);
  }
  return rows.map((row) => row.line);
}

/** How much a body row matters when the terminal is too short for all of them; higher is kept longer. */
const KEEP = { finishedPhase: 0, pendingPhase: 1, moreRunning: 2, runningPhase: 3 } as const;

interface Row {
  line: string;
  keep: (typeof KEEP)[keyof typeof KEEP];
}

interface Columns {
  title: number;
  count: number;
  index: number;
  label: number;
  /** 0 when no model is shown. */
  model: number;
  bar: boolean;
}

/** Column widths that line the rows up, capped so a long title or label leaves room for the numbers. */
function layoutColumns(phases: PhaseProgress[], agents: ActiveAgent[], width: number): Columns {
  const wide = width >= WIDE_COLUMNS;
  const textCap = Math.max(8, Math.floor(width / 4));
  const widest = (texts: string[]) => texts.reduce((max, text) => Math.max(max, displayWidth(text)), 0);
  const models = wide ? agents.flatMap((agent) => (agent.model === undefined ? [] : [agent.model])) : [];
  return {
    title: Math.min(widest(phases.map((phase) => phase.title)), textCap),
    count: widest(phases.map((phase) => `${phase.done}/${phase.total}`)),
    index: widest(agents.map((agent) => `#${agent.index}`)),
    label: Math.min(widest(agents.map((agent) => agent.label)), textCap),
    model: Math.min(widest(models), 24),
    bar: wide,
  };
}

function phaseLine(state: ProgressState, { phase, running }: PhaseBlock, columns: Columns, { now, colors }: FrameOptions): string {
  const done = isPhaseDone(phase);
  const mark = done ? colors.green('✓') : running.length > 0 ? colors.cyan('▸') : colors.dim('·');
  const bar = columns.bar ? `  ${progressBar(phase, colors)}` : '';
  const count = `${phase.done}/${phase.total}`.padStart(columns.count);
  const extras = [phase.cached > 0 ? `${phase.cached} cached` : '', phase.failed > 0 ? colors.red(`${phase.failed} failed`) : ''].filter(Boolean);
  const tail = extras.length > 0 ? `  ${extras.join(', ')}` : '';
  return `${mark} ${fit(phase.title, columns.title)}${bar}  ${count}  ${tokensColumn(phase.tokens)}  ${formatDuration(phaseElapsedMs(state, phase, now)).padStart(6)}${tail}`;
}

function finishedPhasesLine(phases: PhaseProgress[], colors: Colors): string {
  const agents = phases.reduce((sum, phase) => sum + phase.total, 0);
  const tokens = phases.reduce((sum, phase) => sum + phase.tokens, 0);
  return `${colors.green('✓')} ${phases.length} phases done: ${agents} agents, ${formatTokens(tokens)} tok`;
}

function agentLine(agent: ActiveAgent, indent: string, columns: Columns, { now, colors }: FrameOptions): string {
  const model = columns.model > 0 ? `  ${colors.dim(fit(agent.model ?? '', columns.model))}` : '';
  const elapsed = formatDuration(Math.max(0, now - agent.startedAt)).padStart(6);
  const activity = agent.activity === null ? '' : `  ${colors.dim(`› ${agent.activity}`)}`;
  return `${indent}${colors.cyan('◦')} ${`#${agent.index}`.padEnd(columns.index)} ${fit(agent.label, columns.label)}${model}  ${elapsed}  ${tokensColumn(agent.tokens)}${activity}`;
}

function progressBar(phase: PhaseProgress, colors: Colors): string {
  const filled = phase.total === 0 ? 0 : Math.round((phase.done / phase.total) * BAR_CELLS);
  return colors.cyan('█'.repeat(filled)) + colors.dim('░'.repeat(BAR_CELLS - filled));
}

function tokensColumn(tokens: number): string {
  return `${formatTokens(tokens).padStart(6)} tok`;
}

/** `text` cut or padded to exactly `columns` terminal columns. */
function fit(text: string, columns: number): string {
  return padToWidth(truncate(text, columns), columns);
}

/**
 * `text` (colour codes allowed) cut to at most `columns`, ending in `…` when cut. cli-truncate
 * keeps colour codes intact but overshoots when the cut falls inside a wide character
 * (`cliTruncate('日本語', 2)` is `日…`, three columns), so such a cut is made shorter until it fits.
 */
function truncate(text: string, columns: number): string {
  for (let target = columns; target > 0; target -= 1) {
    const cut = cliTruncate(text, target);
    if (displayWidth(cut) <= columns) return cut;
  }
  return '';
}
