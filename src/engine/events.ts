/**
 * The events a run emits while it goes, in the order they happen (matrix PH08): `run-start`
 * first, `run-end` last; per agent `agent-queue` → `agent-start` → `agent-end`. Names are
 * noun-verb. The progress view and the library's `onEvent` consume these; a listener that throws
 * is ignored (matrix R09).
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
  | { type: 'agent-start'; index: number; label: string; phase: string | null }
  /** What a running agent is doing: a tool call or a short tail of its text. */
  | { type: 'agent-activity'; index: number; label: string; text: string }
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
    }
  | { type: 'budget-update'; spent: number; total: number | null }
  | { type: 'warning'; message: string }
  | { type: 'run-stopping'; reason: string }
  | { type: 'run-end'; summary: RunSummary };

export type RunEventListener = (event: RunEvent) => void;
