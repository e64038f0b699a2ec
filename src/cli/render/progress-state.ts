/**
 * The live progress view's model: how the run looks right now, folded from its events by a pure
 * reducer, so a recorded event stream always replays to the same view. Times come from the caller
 * (`now`, ms since the epoch), never from the clock. This is display state only: the run's record
 * is its summary (run-summary.ts); live-frame.ts draws this model, live-view.ts feeds it.
 */
import type { RunEvent } from '../../engine/events.js';
import type { RunSummary } from '../../engine/run-summary.js';
import { totalTokens } from './format.js';
import { singleLine } from './terminal-text.js';

export interface PhaseProgress {
  readonly title: string;
  /** Agents queued in the phase so far, reused (cached) steps included. */
  readonly total: number;
  /** Agents of the phase that have ended: completed, cached, failed or stopped. */
  readonly done: number;
  /** Ended agents that were reused from an earlier run instead of running. */
  readonly cached: number;
  readonly failed: number;
  /** Tokens of its live agents: the ended ones' final usage plus the running ones' usage so far. */
  readonly tokens: number;
  /** When the phase first appeared (its phase() call or its first agent). */
  readonly startedAt: number;
  /** When its last agent ended; null until one has. */
  readonly lastEndAt: number | null;
}

/** An agent that has started and has not ended yet (queued ones are only counted). */
export interface ActiveAgent {
  readonly index: number;
  readonly label: string;
  readonly phase: string | null;
  /** The model asked for, when one is named. */
  readonly model?: string;
  readonly status: 'running';
  readonly startedAt: number;
  /** Tokens so far, from its latest (cumulative) agent-usage event. */
  readonly tokens: number;
  /** What it is doing now, on one line: a tool call or a short tail of its text. */
  readonly activity: string | null;
}

export interface AgentCounts {
  readonly queued: number;
  readonly running: number;
  /** Agents that ran live and completed (cached ones are counted in `cached` only). */
  readonly completed: number;
  readonly cached: number;
  readonly failed: number;
  readonly stopped: number;
}

/**
 * Warnings as one line each, however often they repeat: identical messages count up, and a
 * provider's retry and pause notices (the API dispatcher's onRetry) fold into one line per provider.
 */
export interface FoldedWarning {
  /** What folds into this line: `message:<text>`, or `retry:<provider>`. */
  readonly key: string;
  /** The line to show, count included. */
  readonly text: string;
  /** How many warnings folded into it. */
  readonly count: number;
}

export interface ProgressState {
  readonly workflow: string | null;
  readonly runId: string | null;
  readonly startedAt: number | null;
  /** In order of first appearance. */
  readonly phases: readonly PhaseProgress[];
  /** Running agents, in the order they started. */
  readonly active: readonly ActiveAgent[];
  readonly counts: AgentCounts;
  /** Tokens of the live agents, running ones included (reused steps cost nothing). */
  readonly tokens: number;
  /** USD of the ended agents whose price is known; undefined while none is. */
  readonly costUsd?: number;
  /** The token budget as the engine last reported it; null before the first report. */
  readonly budget: { readonly spent: number; readonly total: number | null } | null;
  readonly warnings: readonly FoldedWarning[];
  /** Why the run is stopping, once it is. */
  readonly stopping: string | null;
  readonly ended: { readonly summary: RunSummary; readonly at: number } | null;
}

/** The state before the first event. */
export const initialProgress: ProgressState = {
  workflow: null,
  runId: null,
  startedAt: null,
  phases: [],
  active: [],
  counts: { queued: 0, running: 0, completed: 0, cached: 0, failed: 0, stopped: 0 },
  tokens: 0,
  budget: null,
  warnings: [],
  stopping: null,
  ended: null,
};

/** The state after `event`, which happened at `now`. Never mutates `state`. */
export function reduceProgress(state: ProgressState, event: RunEvent, now: number): ProgressState {
  switch (event.type) {
    case 'run-start':
      return { ...state, workflow: singleLine(event.workflow), runId: event.runId, startedAt: now };
    case 'phase-start':
      return { ...state, phases: touchPhase(state.phases, singleLine(event.title), now) };
    case 'agent-queue': {
      // Queued agents are only counted: a fan-out may queue thousands at once, and copying a list
      // of them on every event made a 10,000-agent run cost seconds of CPU in the view alone.
      const phase = event.phase === null ? null : singleLine(event.phase);
      return {
        ...state,
        phases: phase === null ? state.phases : updatePhase(touchPhase(state.phases, phase, now), phase, (p) => ({ ...p, total: p.total + 1 })),
        counts: { ...state.counts, queued: state.counts.queued + 1 },
      };
    }
    case 'agent-start': {
      if (findAgent(state, event.index)) return state;
      const phase = event.phase === null ? null : singleLine(event.phase);
      const started: ActiveAgent = {
        index: event.index,
        label: singleLine(event.label),
        phase,
        ...(event.model === undefined ? {} : { model: singleLine(event.model) }),
        status: 'running',
        startedAt: now,
        tokens: 0,
        activity: null,
      };
      return { ...state, active: [...state.active, started], counts: { ...state.counts, queued: Math.max(0, state.counts.queued - 1), running: state.counts.running + 1 } };
    }
    case 'agent-activity': {
      const text = singleLine(event.text);
      if (text === '') return state;
      return { ...state, active: updateAgent(state.active, event.index, (agent) => ({ ...agent, activity: text })) };
    }
    case 'agent-usage': {
      const agent = findAgent(state, event.index);
      if (!agent) return state;
      const delta = totalTokens(event.usage) - agent.tokens;
      return {
        ...state,
        active: updateAgent(state.active, event.index, (a) => ({ ...a, tokens: a.tokens + delta })),
        phases: agent.phase === null ? state.phases : updatePhase(state.phases, agent.phase, (p) => ({ ...p, tokens: p.tokens + delta })),
        tokens: state.tokens + delta,
      };
    }
    case 'agent-end':
      return endAgent(state, event, now);
    case 'budget-update':
      return { ...state, budget: { spent: event.spent, total: event.total } };
    case 'warning':
      return { ...state, warnings: foldWarning(state.warnings, singleLine(event.message)) };
    case 'run-stopping':
      return { ...state, stopping: singleLine(event.reason) };
    case 'run-end': {
      const { summary } = event;
      const costUsd = summary.costUsd ?? state.costUsd;
      return { ...state, tokens: totalTokens(summary.usage), ...(costUsd === undefined ? {} : { costUsd }), ended: { summary, at: now } };
    }
    case 'log-write':
      return state; // printed above the frame (live-view.ts), not part of it
  }
}

/** Whether every agent the phase has queued so far has ended. */
export function isPhaseDone(phase: PhaseProgress): boolean {
  return phase.total > 0 && phase.done === phase.total;
}

/** How long the phase has been going: up to its last agent's end once done, else up to now (or the run's end). */
export function phaseElapsedMs(state: ProgressState, phase: PhaseProgress, now: number): number {
  const until = isPhaseDone(phase) && phase.lastEndAt !== null ? phase.lastEndAt : (state.ended?.at ?? now);
  return Math.max(0, until - phase.startedAt);
}

/** How long the run has been going, or took. */
export function runElapsedMs(state: ProgressState, now: number): number {
  if (state.ended) return state.ended.summary.durationMs;
  return state.startedAt === null ? 0 : Math.max(0, now - state.startedAt);
}

/** Agents that have ended, however they ended. */
export function doneCount(counts: AgentCounts): number {
  return counts.completed + counts.cached + counts.failed + counts.stopped;
}

/** Agents queued so far, ended or not. */
export function agentTotal(counts: AgentCounts): number {
  return doneCount(counts) + counts.queued + counts.running;
}

function endAgent(state: ProgressState, event: Extract<RunEvent, { type: 'agent-end' }>, now: number): ProgressState {
  const queued = state;
  // A running agent is in `active`; one that ends without starting (reused, or stopped while
  // queued) was only counted as queued.
  const agent = findAgent(state, event.index);
  const phase = agent ? agent.phase : event.phase === null ? null : singleLine(event.phase);
  const finalTokens = event.cached ? 0 : totalTokens(event.usage);
  const delta = finalTokens - (agent?.tokens ?? 0);
  const outcome = event.cached ? 'cached' : event.status;
  const from = agent ? 'running' : 'queued';
  const counts = {
    ...queued.counts,
    [from]: Math.max(0, queued.counts[from] - 1),
    [outcome]: queued.counts[outcome] + 1,
  };
  const phases =
    phase === null
      ? queued.phases
      : updatePhase(queued.phases, phase, (p) => ({
          ...p,
          done: p.done + 1,
          cached: p.cached + (event.cached ? 1 : 0),
          failed: p.failed + (event.status === 'failed' ? 1 : 0),
          tokens: p.tokens + delta,
          lastEndAt: now,
        }));
  const costUsd = event.costUsd === undefined ? queued.costUsd : (queued.costUsd ?? 0) + event.costUsd;
  return {
    ...queued,
    phases,
    active: agent ? queued.active.filter((a) => a.index !== event.index) : queued.active,
    counts,
    tokens: queued.tokens + delta,
    ...(costUsd === undefined ? {} : { costUsd }),
  };
}

/** The phases with `title` present: appended, on its first appearance, in appearance order. */
function touchPhase(phases: readonly PhaseProgress[], title: string, now: number): readonly PhaseProgress[] {
  if (phases.some((phase) => phase.title === title)) return phases;
  return [...phases, { title, total: 0, done: 0, cached: 0, failed: 0, tokens: 0, startedAt: now, lastEndAt: null }];
}

function updatePhase(phases: readonly PhaseProgress[], title: string, update: (phase: PhaseProgress) => PhaseProgress): readonly PhaseProgress[] {
  return phases.map((phase) => (phase.title === title ? update(phase) : phase));
}

function findAgent(state: ProgressState, index: number): ActiveAgent | undefined {
  return state.active.find((agent) => agent.index === index);
}

function updateAgent(agents: readonly ActiveAgent[], index: number, update: (agent: ActiveAgent) => ActiveAgent): readonly ActiveAgent[] {
  return agents.map((agent) => (agent.index === index ? update(agent) : agent));
}

/**
 * The API dispatcher's retry notices (dispatch/api/loop.ts onRetry): "openai: rate limited (429);
 * pausing new requests for 2.0 s" and "openai: connection failed; retrying in 1.2 s (retry 2 of 4)".
 * The provider and what went wrong are kept; the wait and the attempt number change every time.
 */
const RETRY_NOTICE = /^([^\s:]+): ([^;]+); (?:pausing new requests for|retrying in) /;

/** The provider a retry or pause notice is about; undefined for any other warning. */
export function retryNoticeProvider(message: string): string | undefined {
  return RETRY_NOTICE.exec(message)?.[1];
}

function foldWarning(warnings: readonly FoldedWarning[], message: string): readonly FoldedWarning[] {
  const retry = RETRY_NOTICE.exec(message);
  const key = retry ? `retry:${retry[1]}` : `message:${message}`;
  const existing = warnings.find((warning) => warning.key === key);
  const count = (existing?.count ?? 0) + 1;
  let text: string;
  if (count === 1) text = message;
  else if (retry) text = `${retry[1]}: ${retry[2]} — ${count} retries/pauses so far`;
  else text = `${message} (×${count})`;
  const folded: FoldedWarning = { key, text, count };
  return existing ? warnings.map((warning) => (warning === existing ? folded : warning)) : [...warnings, folded];
}
