/**
 * The final summary of a run: what `wf run --json` prints and what `run.json` holds (R1, R2).
 */
import type { ErrorData } from '../errors.js';
import type { Usage } from '../dispatch/dispatcher.js';

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
