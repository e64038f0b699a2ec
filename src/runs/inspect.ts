/**
 * One run in detail, for `wf inspect`: its summary, every agent placed on the run's time axis and
 * grouped by phase, usage per model, and (for one agent) everything recorded about it, with its
 * activity from the event stream. This module only collects data; rendering is the CLI's.
 *
 * It works on runs that have not ended. While a run goes, `run.json` has no summary yet and an
 * agent's record is written only once it has run for a second or ended, so agents seen only in
 * `events.jsonl` are filled in from there; an agent still queued or running when its run was
 * interrupted is reported as `interrupted`.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorData } from '../errors.js';
import type { Usage, WorktreeChange } from '../dispatch/dispatcher.js';
import type { AgentOptions } from '../engine/agent-options.js';
import type { AgentStatus, TimedRunEvent } from '../engine/events.js';
import { sumSpend, type ModelUsage, type RunStatus } from '../engine/run-summary.js';
import type { CachedFrom } from '../engine/step-reuse.js';
import { WfUsageError } from '../errors.js';
import { totalTokens, ZERO_USAGE } from '../dispatch/dispatcher.js';
import { readAgentRecords, type AgentRecord } from './agent-records.js';
import { runStartedAt } from './history.js';
import { resolveRun, type RunRecord, type RunRef, type RunState } from './run-lookup.js';
import { readRunEvents } from './run-events.js';

/** An agent's state as inspect reports it: `interrupted` when its run died while it was queued or running. */
export type InspectedAgentStatus = AgentStatus | 'interrupted';

/** One agent as the timeline shows it. Times are ISO 8601; offsets are milliseconds from the run's start. */
export interface InspectedAgent {
  index: number;
  label: string;
  phase: string | null;
  /** 0 for the run's own agents, 1+ for those of nested workflow() calls. */
  depth: number;
  status: InspectedAgentStatus;
  /** Where a reused step's value came from (C2); null for a step that ran live. */
  cachedFrom: CachedFrom | null;
  /** The model that served it, else the one asked for; null when neither is known. */
  model: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  queuedOffsetMs: number | null;
  startOffsetMs: number | null;
  endOffsetMs: number | null;
  usage: Usage;
  tokens: number;
  costUsd: number | null;
  error: string | null;
}

export interface InspectedPhase {
  /** null for agents started outside any phase(). */
  title: string | null;
  agents: InspectedAgent[];
}

export interface AgentTally {
  total: number;
  /** Ran (or run) for real, failed and stopped ones included. */
  live: number;
  cached: number;
  failed: number;
  stopped: number;
  running: number;
  queued: number;
  interrupted: number;
}

export interface RunInspection {
  runId: string;
  dir: string;
  workflow: string | null;
  file: string | null;
  dispatcher: string | null;
  /** The run's default model, when one was chosen. */
  model: string | null;
  /** As recorded in `run.json`. */
  status: RunStatus | null;
  /** The process that ran (or runs) it. */
  pid: number | null;
  /** What it is doing now (run-lookup.ts): `interrupted` when its process died mid-run. */
  state: RunState;
  startedAt: string | null;
  /** The end of its time axis: when it ended, now while it runs, its last sign of life when interrupted. */
  endedAt: string | null;
  durationMs: number | null;
  /** Token budget; null for none. */
  budget: number | null;
  resumedFrom: { runId: string; mode: string } | null;
  agents: AgentTally;
  /** Tokens of the agents that ran live. */
  usage: Usage;
  tokens: number;
  costUsd: number | null;
  byModel: Record<string, ModelUsage>;
  result: unknown;
  error: ErrorData | null;
  warnings: string[];
  /** `report.md` of the run directory, when the result had a markdown report. */
  reportFile: string | null;
  phases: InspectedPhase[];
}

/** Everything recorded about one agent, for `wf inspect <run> --agent <index|label>`. */
export interface AgentInspection extends InspectedAgent {
  runId: string;
  prompt: string | null;
  options: AgentOptions | null;
  requestedModel: string | null;
  /** The step key (C1) and the spec it hashes. */
  key: string | null;
  spec: unknown;
  reuse: AgentRecord['reuse'] | null;
  result: unknown;
  attempts: number | null;
  toolCalls: number | null;
  worktree: WorktreeChange | null;
  dispatcher: string | null;
  /** What it did while it ran (tool calls, text), from `events.jsonl`; offsets from its start. */
  activity: Array<{ time: string; offsetMs: number | null; text: string }>;
}

export interface InspectOptions {
  runsDir: string;
  /** A run id, a unique prefix of one, or `last`. */
  run: string;
  now?: () => number;
}

export async function inspectRun({ runsDir, run, now = Date.now }: InspectOptions): Promise<RunInspection> {
  const ref = await resolveRun(runsDir, run);
  const events = ref.state === 'running' || ref.state === 'interrupted' ? await readRunEvents(ref.dir) : [];
  return inspection(ref, await readAgentRecords(ref.dir), events, now(), await existingFile(join(ref.dir, 'report.md')));
}

/** One agent of a run, named by its call index (`3` or `#3`) or its label; a usage error names the valid ones. */
export async function inspectAgent({ runsDir, run, agent, now = Date.now }: InspectOptions & { agent: string }): Promise<AgentInspection> {
  const ref = await resolveRun(runsDir, run);
  const records = await readAgentRecords(ref.dir);
  const events = await readRunEvents(ref.dir);
  const overview = inspection(ref, records, events, now(), null);
  const agents = overview.phases.flatMap((phase) => phase.agents).sort((a, b) => a.index - b.index);
  const found = findAgent(agents, agent, ref.runId);
  const record = records.find((candidate) => candidate.index === found.index);
  const startedAt = Date.parse(found.startedAt ?? found.queuedAt ?? '');
  const activity = events.flatMap((event) => {
    if (event.type !== 'agent-activity' || event.index !== found.index) return [];
    const offset = Date.parse(event.time) - startedAt;
    return [{ time: event.time, offsetMs: Number.isFinite(offset) ? offset : null, text: event.text }];
  });
  return {
    runId: ref.runId,
    ...found,
    prompt: record?.prompt ?? null,
    options: record?.options ?? null,
    requestedModel: record?.requestedModel ?? null,
    key: record?.key ?? null,
    spec: record?.spec ?? null,
    reuse: record?.reuse ?? null,
    result: record?.result ?? null,
    attempts: record?.attempts ?? null,
    toolCalls: record?.toolCalls ?? null,
    worktree: record?.worktree ?? null,
    dispatcher: record?.dispatcher ?? null,
    activity,
  };
}

function findAgent(agents: InspectedAgent[], reference: string, runId: string): InspectedAgent {
  const indexText = /^#?(\d+)$/.exec(reference.trim())?.[1];
  const matches = indexText === undefined ? agents.filter((agent) => agent.label === reference) : agents.filter((agent) => agent.index === Number(indexText));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new WfUsageError(`${matches.length} agents of run ${runId} are labelled "${reference}" (${matches.map((agent) => `#${agent.index}`).join(', ')})`, {
      hint: `name one by its index, e.g. --agent ${matches[0]!.index}`,
    });
  }
  if (agents.length === 0) throw new WfUsageError(`run ${runId} has no agents`);
  const labels = [...new Set(agents.map((agent) => agent.label))];
  const shownLabels = labels.slice(0, 10).map((label) => JSON.stringify(label)).join(', ') + (labels.length > 10 ? ', …' : '');
  throw new WfUsageError(`run ${runId} has no agent ${JSON.stringify(reference)}: give an index from ${agents[0]!.index} to ${agents.at(-1)!.index}, or a label: ${shownLabels}`, {
    hint: `\`wf inspect ${runId}\` lists its agents`,
  });
}

function inspection(ref: RunRef, records: AgentRecord[], events: TimedRunEvent[], now: number, reportFile: string | null): RunInspection {
  const { record, state } = ref;
  const sources = mergeAgents(records, events);
  const startedAt = runStartedAt(ref.runId, record) ?? earliest(sources.map((agent) => agent.queuedAt));
  const endedAt = runEnd(record, state, startedAt, sources, events, now);
  const agents = sources.map((source) => inspectedAgent(source, state, startedAt, endedAt));
  // A run that has ended wrote its totals; one still going (or interrupted) is added up here.
  const spend = sumSpend(sources, record.dispatcher ?? 'unknown');
  const usage = record.usage ?? spend.usage;
  return {
    runId: ref.runId,
    dir: ref.dir,
    workflow: record.workflow ?? null,
    file: record.file ?? null,
    dispatcher: record.dispatcher ?? null,
    model: record.model ?? null,
    status: record.status ?? null,
    pid: record.pid ?? null,
    state,
    startedAt: startedAt === undefined ? null : new Date(startedAt).toISOString(),
    endedAt: endedAt === undefined ? null : new Date(endedAt).toISOString(),
    durationMs: record.durationMs ?? (startedAt === undefined || endedAt === undefined ? null : Math.max(0, endedAt - startedAt)),
    budget: record.budget ?? null,
    resumedFrom: record.resumedFrom ?? null,
    agents: tally(agents),
    usage,
    tokens: totalTokens(usage),
    costUsd: record.costUsd ?? spend.costUsd ?? null,
    byModel: record.byModel ?? spend.byModel,
    result: record.result ?? null,
    error: record.error ?? null,
    warnings: record.warnings ?? [],
    reportFile,
    phases: groupByPhase(agents),
  };
}

type AgentEndEvent = Extract<TimedRunEvent, { type: 'agent-end' }>;

/** What the event stream says about one agent. */
interface AgentSeen {
  index: number;
  label: string;
  phase: string | null;
  queuedAt: string;
  startedAt?: string;
  requestedModel?: string;
  end?: AgentEndEvent;
}

/**
 * The agents as their records say, completed by the event stream: agents with no record yet are
 * built from their events, and a record still saying queued or running gets the end its events
 * report (the record is written just before agent-end is emitted; a run killed in between has the
 * newer event).
 */
function mergeAgents(records: AgentRecord[], events: TimedRunEvent[]): AgentRecord[] {
  const seen = new Map<number, AgentSeen>();
  for (const event of events) {
    if (event.type === 'agent-queue') seen.set(event.index, { index: event.index, label: event.label, phase: event.phase, queuedAt: event.time });
    const agent = 'index' in event ? seen.get(event.index) : undefined;
    if (!agent) continue;
    if (event.type === 'agent-start') {
      agent.startedAt = event.time;
      if (event.model !== undefined) agent.requestedModel = event.model;
    } else if (event.type === 'agent-end') {
      agent.end = event;
    }
  }
  const merged = new Map<number, AgentRecord>();
  for (const agent of seen.values()) {
    merged.set(agent.index, {
      index: agent.index,
      label: agent.label,
      phase: agent.phase,
      depth: 0,
      prompt: '',
      options: {},
      status: agent.startedAt === undefined ? 'queued' : 'running',
      dispatcher: '',
      queuedAt: agent.queuedAt,
      ...(agent.startedAt === undefined ? {} : { startedAt: agent.startedAt }),
      ...(agent.requestedModel === undefined ? {} : { requestedModel: agent.requestedModel }),
      ...(agent.end ? endFields(agent.end) : {}),
    });
  }
  for (const record of records) {
    const end = seen.get(record.index)?.end;
    merged.set(record.index, end && !isEnded(record.status) ? { ...record, ...endFields(end) } : record);
  }
  return [...merged.values()].sort((a, b) => a.index - b.index);
}

function endFields(end: AgentEndEvent): Partial<AgentRecord> {
  return {
    status: end.status,
    endedAt: end.time,
    durationMs: end.durationMs,
    usage: end.usage,
    ...(end.cached ? { reuse: { decision: 'hit', from: end.cached } } : {}),
    ...(end.model === undefined ? {} : { model: end.model }),
    ...(end.costUsd === undefined ? {} : { costUsd: end.costUsd }),
    ...(end.error === undefined ? {} : { error: end.error }),
  };
}

function inspectedAgent(source: AgentRecord, runState: RunState, runStart: number | undefined, runEnd: number | undefined): InspectedAgent {
  const offset = (iso: string | undefined) => {
    const at = iso === undefined ? Number.NaN : Date.parse(iso);
    return runStart === undefined || !Number.isFinite(at) ? null : at - runStart;
  };
  const interrupted = runState === 'interrupted' && !isEnded(source.status);
  const running = source.status === 'running' && runState === 'running';
  const usage = source.usage ?? ZERO_USAGE;
  return {
    index: source.index,
    label: source.label,
    phase: source.phase,
    depth: source.depth,
    status: interrupted ? 'interrupted' : source.status,
    cachedFrom: source.reuse?.decision === 'hit' ? source.reuse.from : null,
    model: source.model ?? source.requestedModel ?? null,
    queuedAt: source.queuedAt || null,
    startedAt: source.startedAt ?? null,
    endedAt: source.endedAt ?? null,
    durationMs: source.durationMs ?? (running && source.startedAt && runEnd !== undefined ? runEnd - Date.parse(source.startedAt) : null),
    queuedOffsetMs: offset(source.queuedAt || undefined),
    startOffsetMs: offset(source.startedAt),
    // A running agent's bar reaches the end of the axis (now); an interrupted one's, its run's last sign of life.
    endOffsetMs: offset(source.endedAt) ?? (source.startedAt && !isEnded(source.status) && runEnd !== undefined && runStart !== undefined ? runEnd - runStart : null),
    usage,
    tokens: source.reuse?.decision === 'hit' ? 0 : totalTokens(usage),
    costUsd: source.costUsd ?? null,
    error: source.error ?? null,
  };
}

function runEnd(record: RunRecord, state: RunState, startedAt: number | undefined, agents: AgentRecord[], events: TimedRunEvent[], now: number): number | undefined {
  if (state === 'running') return now;
  if (state !== 'interrupted' && startedAt !== undefined && record.durationMs !== undefined) return startedAt + record.durationMs;
  const times = [...agents.flatMap((agent) => [agent.queuedAt, agent.startedAt, agent.endedAt]), events.at(-1)?.time];
  return latest(times);
}

function tally(agents: InspectedAgent[]): AgentTally {
  const count = (status: InspectedAgentStatus) => agents.filter((agent) => agent.status === status).length;
  const cached = agents.filter((agent) => agent.cachedFrom !== null && agent.status === 'completed').length;
  return {
    total: agents.length,
    live: agents.length - cached,
    cached,
    failed: count('failed'),
    stopped: count('stopped'),
    running: count('running'),
    queued: count('queued'),
    interrupted: count('interrupted'),
  };
}

/** Phases in the order their first agent was called; agents by call index within each. */
function groupByPhase(agents: InspectedAgent[]): InspectedPhase[] {
  const phases = new Map<string | null, InspectedAgent[]>();
  for (const agent of agents) {
    const list = phases.get(agent.phase);
    if (list) list.push(agent);
    else phases.set(agent.phase, [agent]);
  }
  return [...phases].map(([title, members]) => ({ title, agents: members }));
}

function isEnded(status: AgentStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'stopped';
}

function earliest(times: Array<string | undefined>): number | undefined {
  const parsed = times.map((time) => (time ? Date.parse(time) : Number.NaN)).filter(Number.isFinite);
  return parsed.length === 0 ? undefined : Math.min(...parsed);
}

function latest(times: Array<string | undefined>): number | undefined {
  const parsed = times.map((time) => (time ? Date.parse(time) : Number.NaN)).filter(Number.isFinite);
  return parsed.length === 0 ? undefined : Math.max(...parsed);
}

async function existingFile(path: string): Promise<string | null> {
  return access(path).then(
    () => path,
    () => null,
  );
}
