/**
 * The project's run history for `wf runs`: one row per run, newest first, filtered by state and
 * workflow. Kept cheap because a project collects hundreds of runs: an ended run costs one read of
 * its `run.json` (its summary already counts the agents); only a running or interrupted run, whose
 * summary is not written yet, has its agent records counted, and an interrupted one's duration
 * comes from the tail of its event stream.
 */
import { join } from 'node:path';
import { totalTokens } from '../dispatch/dispatcher.js';
import { readAgentRecords, wasReused } from './agent-records.js';
import { listRunIds, readRunRecord, runState, type RunRecord, type RunState } from './run-lookup.js';
import { lastEventTime } from './run-events.js';

/** Every state a run can be in, in the order `wf runs --status` documents them. */
export const RUN_STATES: readonly RunState[] = ['running', 'completed', 'failed', 'stopped', 'interrupted'];

/** Agents of a run. `live` ran (or runs) for real, failed and stopped ones included; `cached` were reused. */
export interface RunAgentCounts {
  total: number;
  live: number;
  cached: number;
  failed: number;
}

export interface RunRow {
  id: string;
  /** The workflow's name; null when `run.json` is missing or damaged. */
  workflow: string | null;
  state: RunState;
  /** ISO 8601; from `run.json`, else the time encoded in the run id. */
  startedAt: string | null;
  /** Milliseconds: the whole run once ended, so far while running, up to its last event when interrupted; null when unknown. */
  durationMs: number | null;
  agents: RunAgentCounts;
  /** Tokens of the agents that ran live (reused steps cost nothing). */
  tokens: number;
  /** USD of the agents whose price is known; null when none is. */
  costUsd: number | null;
}

export interface RunHistoryOptions {
  runsDir: string;
  /** Only runs in one of these states (default: any). */
  states?: readonly RunState[];
  /** Only runs of this workflow name. */
  workflow?: string;
  /** Most rows returned, newest first (default 20); null for every run. */
  limit?: number | null;
  now?: () => number;
}

export interface RunHistory {
  runs: RunRow[];
  /** More runs match than `limit` let through. */
  more: boolean;
}

export const DEFAULT_HISTORY_LIMIT = 20;

export async function runHistory({ runsDir, states, workflow, limit = DEFAULT_HISTORY_LIMIT, now = Date.now }: RunHistoryOptions): Promise<RunHistory> {
  const runs: RunRow[] = [];
  for (const id of await listRunIds(runsDir)) {
    const record = await readRunRecord(join(runsDir, id));
    const state = runState(record);
    if (states && states.length > 0 && !states.includes(state)) continue;
    if (workflow !== undefined && record.workflow !== workflow) continue;
    if (limit !== null && runs.length === limit) return { runs, more: true };
    runs.push(await runRow(join(runsDir, id), id, record, state, now()));
  }
  return { runs, more: false };
}

async function runRow(runDir: string, id: string, record: RunRecord, state: RunState, now: number): Promise<RunRow> {
  const started = runStartedAt(id, record);
  const row = {
    id,
    workflow: record.workflow ?? null,
    state,
    startedAt: started === undefined ? null : new Date(started).toISOString(),
  };
  if (state !== 'running' && state !== 'interrupted') {
    const total = record.agentCount ?? 0;
    const cached = record.cachedCount ?? 0;
    return {
      ...row,
      durationMs: record.durationMs ?? null,
      agents: { total, live: total - cached, cached, failed: record.failedCount ?? 0 },
      tokens: totalTokens(record.usage),
      costUsd: record.costUsd ?? null,
    };
  }
  const records = await readAgentRecords(runDir);
  const reused = records.filter((agent) => wasReused(agent) && agent.status === 'completed').length;
  const liveRecords = records.filter((agent) => !wasReused(agent));
  const costs = liveRecords.flatMap((agent) => (agent.costUsd === undefined ? [] : [agent.costUsd]));
  const endedAt = state === 'running' ? now : await lastEventTime(runDir);
  return {
    ...row,
    durationMs: started === undefined || endedAt === undefined ? null : Math.max(0, endedAt - started),
    agents: {
      total: records.length,
      live: records.length - reused,
      cached: reused,
      failed: records.filter((agent) => agent.status === 'failed').length,
    },
    tokens: liveRecords.reduce((sum, agent) => sum + totalTokens(agent.usage), 0),
    costUsd: costs.length === 0 ? null : costs.reduce((sum, cost) => sum + cost, 0),
  };
}

/**
 * When a run started (epoch ms): `startedAt` of its `run.json`, else the time its id encodes (the
 * id is made from the start time, run-id.ts), so a run whose record is lost still has an age.
 */
export function runStartedAt(runId: string, record: Pick<RunRecord, 'startedAt'>): number | undefined {
  const recorded = record.startedAt === undefined ? Number.NaN : Date.parse(record.startedAt);
  if (Number.isFinite(recorded)) return recorded;
  const encoded = /^wf_([a-z0-9]+)-/.exec(runId)?.[1];
  const fromId = encoded === undefined ? Number.NaN : parseInt(encoded, 36);
  return Number.isFinite(fromId) ? fromId : undefined;
}
