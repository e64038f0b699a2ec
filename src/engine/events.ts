/**
 * The events a run emits while it goes, in the order they happen (matrix PH08): `run-start`
 * first, `run-end` last; per agent `agent-queue` → `agent-start` → (`agent-activity`,
 * `agent-usage`)* → `agent-end`, or `agent-queue` → `agent-end` with `cached` for a reused step.
 * Names are noun-verb. The progress view, `--events`, the run directory's `events.jsonl` and the
 * library's `onEvent` consume these; a listener that throws is ignored (matrix R09). The stream
 * format is documented in docs/events.md: change both together.
 */
import type { Usage } from '../dispatch/dispatcher.js';
import type { RunSummary } from './run-summary.js';
import type { CachedFrom } from './step-reuse.js';

export type AgentStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';

export type RunEvent =
  | { type: 'run-start'; runId: string; runDir: string; workflow: string; file: string; dispatcher: string }
  | { type: 'phase-start'; title: string; depth: number }
  | { type: 'log-write'; line: string }
  | { type: 'agent-queue'; index: number; label: string; phase: string | null }
  /** `model` is the model asked for (the call's, else the run's default); absent when neither names one. */
  | { type: 'agent-start'; index: number; label: string; phase: string | null; model?: string }
  /** What a running agent is doing: a tool call or a short tail of its text. */
  | { type: 'agent-activity'; index: number; label: string; text: string }
  /** The running agent's usage so far (cumulative), as its dispatcher reports it. */
  | { type: 'agent-usage'; index: number; label: string; usage: Usage }
  | {
      type: 'agent-end';
      index: number;
      label: string;
      phase: string | null;
      status: Exclude<AgentStatus, 'queued' | 'running'>;
      usage: Usage;
      durationMs: number;
      error?: string;
      /** Set when the step was reused instead of run (C2): where its value came from. */
      cached?: CachedFrom;
      /** The model that served the call, when known. */
      model?: string;
      /** USD of this call, when its price is known (0 for a cached step is never written: it cost nothing). */
      costUsd?: number;
    }
  | { type: 'budget-update'; spent: number; total: number | null }
  | { type: 'warning'; message: string }
  | { type: 'run-stopping'; reason: string }
  | { type: 'run-end'; summary: RunSummary };

export type RunEventListener = (event: RunEvent) => void;

/** A line of `events.jsonl` and of `--events`: the event with the time it happened (ISO 8601). */
export type TimedRunEvent = RunEvent & { time: string };
