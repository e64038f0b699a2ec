/**
 * The final summary of a run: what `wf run --json` prints and what `run.json` holds (R1, R2).
 */
import type { ErrorData } from '../errors.js';
import { addUsage, ZERO_USAGE, type Usage } from '../dispatch/dispatcher.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'stopped';

export interface PhaseSummary {
  title: string;
  /** Agents started in this phase (queued ones included). */
  agents: number;
  /** Agents of this phase that have finished (completed, failed or stopped). */
  done: number;
  usage: Usage;
}

export interface ModelUsage {
  agents: number;
  usage: Usage;
  costUsd?: number;
}

export interface RunSummary {
  runId: string;
  runDir: string;
  workflow: string;
  status: RunStatus;
  /** The script's return value (null when it returned nothing or did not complete). */
  result: unknown;
  error: ErrorData | null;
  agentCount: number;
  /** Agents answered from an earlier run instead of running (C2); they cost nothing. */
  cachedCount: number;
  /** Agents that failed (their call resolved null, A5). */
  failedCount: number;
  /** Tokens of the agents that ran live (reused steps cost nothing). */
  usage: Usage;
  /** USD of the live agents whose price is known (config `prices` or the built-in table). */
  costUsd?: number;
  /** Usage and cost per served model. */
  byModel?: Record<string, ModelUsage>;
  phases: PhaseSummary[];
  warnings: string[];
  startedAt: string;
  durationMs: number;
}

/** The fields of an agent's record that its run's totals are made of. */
export interface AgentSpend {
  usage?: Usage;
  model?: string;
  requestedModel?: string;
  costUsd?: number;
  reuse?: { decision: 'hit' | 'live' };
}

/**
 * A run's usage, cost and per-model breakdown from its agents: reused steps cost nothing in this
 * run, a model that is unknown counts under `fallbackModel` (the dispatcher's name). The engine's
 * summary and `wf inspect` of a run that has not written one both add up this way.
 */
export function sumSpend(agents: Iterable<AgentSpend>, fallbackModel: string): { usage: Usage; costUsd?: number; byModel: Record<string, ModelUsage> } {
  let usage: Usage = ZERO_USAGE;
  let costUsd: number | undefined;
  const byModel: Record<string, ModelUsage> = {};
  for (const agent of agents) {
    if (!agent.usage || agent.reuse?.decision === 'hit') continue;
    usage = addUsage(usage, agent.usage);
    const entry = (byModel[agent.model ?? agent.requestedModel ?? fallbackModel] ??= { agents: 0, usage: ZERO_USAGE });
    entry.agents += 1;
    entry.usage = addUsage(entry.usage, agent.usage);
    if (agent.costUsd !== undefined) {
      costUsd = (costUsd ?? 0) + agent.costUsd;
      entry.costUsd = (entry.costUsd ?? 0) + agent.costUsd;
    }
  }
  return { usage, ...(costUsd === undefined ? {} : { costUsd }), byModel };
}
