import { describe, expect, test } from 'vitest';
import {
  agentTotal,
  doneCount,
  initialProgress,
  phaseElapsedMs,
  reduceProgress,
  runElapsedMs,
  type ProgressState,
} from '../../../../src/cli/render/progress-state.js';
import { MID_RUN_AT, RUN_ID, T0, recordedRun, replay } from './recorded-run.js';

const phase = (state: ProgressState, title: string) => state.phases.find((p) => p.title === title)!;

describe('progress state: a recorded run, mid-way', () => {
  const state = replay(MID_RUN_AT);

  test('names the run and when it started', () => {
    expect(state).toMatchObject({ workflow: 'deep-research', runId: RUN_ID, startedAt: T0 });
    expect(runElapsedMs(state, T0 + MID_RUN_AT)).toBe(MID_RUN_AT);
  });

  test('lists the phases in order of first appearance with done/total, cached, failed and live tokens', () => {
    expect(state.phases.map((p) => p.title)).toEqual(['Plan', 'Research']);
    expect(phase(state, 'Plan')).toMatchObject({ total: 1, done: 1, cached: 0, failed: 0, tokens: 1620, startedAt: T0 + 5, lastEndAt: T0 + 1500 });
    // Cached #1 and failed #4 are done; #2 and #3 count their usage so far; #5 and #6 reported none.
    expect(phase(state, 'Research')).toMatchObject({ total: 6, done: 2, cached: 1, failed: 1, tokens: 17000 + 3700 + 950, lastEndAt: T0 + 4000 });
  });

  test('a finished phase stops its clock at its last end; an unfinished one runs to now', () => {
    expect(phaseElapsedMs(state, phase(state, 'Plan'), T0 + MID_RUN_AT)).toBe(1495);
    expect(phaseElapsedMs(state, phase(state, 'Research'), T0 + MID_RUN_AT)).toBe(MID_RUN_AT - 1530);
  });

  test('keeps the running agents with model, start time, tokens so far and their latest activity on one line', () => {
    expect(state.active.map((agent) => [agent.index, agent.status])).toEqual([
      [2, 'running'],
      [3, 'running'],
      [5, 'running'],
      [6, 'running'],
    ]);
    expect(state.active[0]).toMatchObject({ label: 'survey: blogs', phase: 'Research', model: 'openai/gpt-4.1', startedAt: T0 + 1552, tokens: 17000, activity: 'read_file docs/papers.md' });
    // Newlines, tabs and escape sequences from the agent are flattened and removed.
    expect(state.active[1]!.activity).toBe('Reading the dataset card: columns, licences and sizes');
    expect(state.active[3]).toMatchObject({ index: 6, tokens: 0, activity: null });
  });

  test('counts agents by state, a reused step as cached and not completed', () => {
    expect(state.counts).toEqual({ queued: 0, running: 4, completed: 1, cached: 1, failed: 1, stopped: 0 });
    expect(doneCount(state.counts)).toBe(3);
    expect(agentTotal(state.counts)).toBe(7);
  });

  test('totals tokens of live agents (running ones included) and the cost of ended ones', () => {
    expect(state.tokens).toBe(1620 + 950 + 17000 + 3700);
    expect(state.costUsd).toBeCloseTo(0.0034, 10);
    expect(state.budget).toEqual({ spent: 12670, total: 15000 });
  });

  test('folds repeated warnings: one line for seven retry notices, a count for identical messages', () => {
    expect(state.warnings.map((warning) => [warning.text, warning.count])).toEqual([
      ['openai: rate limited (429) — 7 retries/pauses so far', 7],
      ['agent(): unknown option "temprature" was dropped (×2)', 2],
      ['budget: 12670 of 15000 tokens spent (84%); agent() throws once it is spent', 1],
    ]);
  });

  test('has not ended and is not stopping', () => {
    expect(state.ended).toBeNull();
    expect(state.stopping).toBeNull();
  });
});

describe('progress state: the recorded run at its end', () => {
  const state = replay();

  test('every phase is done and the run-end summary is kept with its time', () => {
    expect(state.phases.map((p) => [p.title, p.done, p.total])).toEqual([
      ['Plan', 1, 1],
      ['Research', 6, 6],
      ['Write', 1, 1],
    ]);
    expect(state.active).toEqual([]);
    expect(state.ended?.summary.status).toBe('completed');
    expect(state.ended?.at).toBe(T0 + 9500);
    expect(runElapsedMs(state, T0 + 60_000)).toBe(9500);
  });

  test('the totals agree with the summary', () => {
    expect(state.counts).toEqual({ queued: 0, running: 0, completed: 6, cached: 1, failed: 1, stopped: 0 });
    expect(state.tokens).toBe(23500 + 14870);
    expect(state.costUsd).toBeCloseTo(0.1654, 10);
    const phaseTokens = state.phases.reduce((sum, p) => sum + p.tokens, 0);
    expect(phaseTokens).toBe(state.tokens);
  });
});

describe('progress state: the reducer', () => {
  test('never mutates the state it is given', () => {
    const frozen = (value: unknown): unknown => {
      if (value && typeof value === 'object') {
        Object.values(value).forEach(frozen);
        Object.freeze(value);
      }
      return value;
    };
    let state = initialProgress;
    for (const { at, event } of recordedRun) state = reduceProgress(frozen(structuredClone(state)) as ProgressState, event, T0 + at);
    expect(state.counts.completed).toBe(6);
  });

  test('a stop is shown with its reason; a queued agent that is stopped leaves the queue', () => {
    let state = reduceProgress(initialProgress, { type: 'run-start', runId: 'wf_x', runDir: '/r', workflow: 'w', file: '/w.js', dispatcher: 'mock' }, 0);
    state = reduceProgress(state, { type: 'agent-queue', index: 0, label: 'a', phase: null }, 1);
    state = reduceProgress(state, { type: 'run-stopping', reason: 'SIGINT' }, 2);
    state = reduceProgress(state, { type: 'agent-end', index: 0, label: 'a', phase: null, status: 'stopped', usage: { input: 0, output: 0, reasoning: 0 }, durationMs: 0 }, 3);
    expect(state.stopping).toBe('SIGINT');
    expect(state.counts).toMatchObject({ queued: 0, stopped: 1 });
    expect(state.active).toEqual([]);
  });

  test('retry notices fold per provider, and the latest cause is shown', () => {
    let state = initialProgress;
    const warn = (message: string) => (state = reduceProgress(state, { type: 'warning', message }, 0));
    warn('anthropic: overloaded (529); pausing new requests for 12 s');
    expect(state.warnings.map((w) => w.text)).toEqual(['anthropic: overloaded (529); pausing new requests for 12 s']);
    warn('openai: server error (500); retrying in 0.5 s (retry 1 of 4)');
    warn('anthropic: connection failed; retrying in 1.0 s (retry 1 of 4)');
    expect(state.warnings.map((w) => w.text)).toEqual([
      'anthropic: connection failed — 2 retries/pauses so far',
      'openai: server error (500); retrying in 0.5 s (retry 1 of 4)',
    ]);
  });
});
