import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runHistory, runStartedAt } from '../../../src/runs/history.js';
import { lastEventTime } from '../../../src/runs/run-events.js';
import { at, deadPid, endedRecord, T0, tempRunsDir, writeRun } from '../../support/run-fixture.js';

const usage = (input: number, output: number) => ({ input, output, reasoning: 0 });

/** Four runs: completed, failed, still running (this process), interrupted (a dead process). */
function history() {
  const runsDir = tempRunsDir();
  const completed = writeRun(runsDir, {
    startMs: 0,
    record: endedRecord('completed', { agentCount: 3, cachedCount: 1, failedCount: 0, usage: usage(300, 30), costUsd: 0.0123, durationMs: 5000 }),
  });
  const failed = writeRun(runsDir, {
    startMs: 60_000,
    record: endedRecord('failed', { workflow: 'other', agentCount: 2, failedCount: 1, usage: usage(100, 10), durationMs: 800 }),
  });
  const running = writeRun(runsDir, {
    startMs: 120_000,
    record: { workflow: 'flow', status: 'running' },
    agents: [
      { index: 0, status: 'completed', usage: usage(100, 10), costUsd: 0.001, reuse: { decision: 'live', reason: 'new' } },
      { index: 1, status: 'completed', usage: usage(0, 0), reuse: { decision: 'hit', from: { via: 'cache', runId: 'wf_earlier-abcdef' } } },
      { index: 2, status: 'running', reuse: { decision: 'live', reason: 'new' } },
    ],
  });
  const interrupted = writeRun(runsDir, {
    startMs: 180_000,
    record: { workflow: 'flow', status: 'running', pid: deadPid() },
    agents: [
      { index: 0, status: 'failed', usage: usage(50, 0), error: 'api down' },
      { index: 1, status: 'running' },
    ],
    events: [{ time: at(180_010), type: 'run-start' }, { time: at(182_500), type: 'agent-start', index: 1 }, '{"time":"2026-03-01T10:09:00.000Z","type":"ag'],
  });
  return { runsDir, completed, failed, running, interrupted };
}

describe('wf runs: the run history', () => {
  test('R1 rows come newest first, an ended run from its run.json summary alone', async () => {
    const { runsDir, completed, failed, running, interrupted } = history();
    const { runs, more } = await runHistory({ runsDir, now: () => T0 + 130_000 });
    expect(more).toBe(false);
    expect(runs.map((run) => [run.id, run.state])).toEqual([
      [interrupted, 'interrupted'],
      [running, 'running'],
      [failed, 'failed'],
      [completed, 'completed'],
    ]);
    // The completed run has no agent records at all: its counts can only come from the summary.
    expect(runs[3]).toEqual({
      id: completed,
      workflow: 'flow',
      state: 'completed',
      startedAt: at(0),
      durationMs: 5000,
      agents: { total: 3, live: 2, cached: 1, failed: 0 },
      tokens: 330,
      costUsd: 0.0123,
    });
    expect(runs[2]).toMatchObject({ workflow: 'other', agents: { total: 2, live: 2, cached: 0, failed: 1 }, tokens: 110, costUsd: null, durationMs: 800 });
  });

  test('R1 a running run counts its agent records and its duration runs up to now', async () => {
    const { runsDir, running } = history();
    const { runs } = await runHistory({ runsDir, now: () => T0 + 130_000 });
    expect(runs.find((run) => run.id === running)).toEqual({
      id: running,
      workflow: 'flow',
      state: 'running',
      startedAt: at(120_000),
      durationMs: 10_000,
      agents: { total: 3, live: 2, cached: 1, failed: 0 },
      tokens: 110,
      costUsd: 0.001,
    });
  });

  test('R1 an interrupted run lasts until its last whole event; a torn last line is skipped', async () => {
    const { runsDir, interrupted } = history();
    const row = (await runHistory({ runsDir })).runs.find((run) => run.id === interrupted);
    expect(row).toMatchObject({ state: 'interrupted', durationMs: 2500, agents: { total: 2, live: 2, cached: 0, failed: 1 }, tokens: 50, costUsd: null });
  });

  test('R1 filters: states (several), workflow, limit with "more", and no limit', async () => {
    const { runsDir, completed, failed, running, interrupted } = history();
    const ids = async (options: Parameters<typeof runHistory>[0]) => (await runHistory(options)).runs.map((run) => run.id);
    expect(await ids({ runsDir, states: ['failed', 'interrupted'] })).toEqual([interrupted, failed]);
    expect(await ids({ runsDir, states: ['completed'] })).toEqual([completed]);
    expect(await ids({ runsDir, workflow: 'other' })).toEqual([failed]);
    expect(await ids({ runsDir, workflow: 'flow', states: ['running'] })).toEqual([running]);
    expect(await ids({ runsDir, workflow: 'none' })).toEqual([]);
    expect(await runHistory({ runsDir, limit: 2 })).toMatchObject({ more: true, runs: [{ id: interrupted }, { id: running }] });
    expect(await runHistory({ runsDir, limit: 4 })).toMatchObject({ more: false });
    expect((await runHistory({ runsDir, limit: null })).runs).toHaveLength(4);
  });

  test('R1 a run whose run.json is lost still lists, aged by its id, as interrupted', async () => {
    const runsDir = tempRunsDir();
    const lost = writeRun(runsDir, { startMs: 42_000, record: null });
    writeFileSync(join(runsDir, lost, 'run.json'), '{"runId": "torn');
    const { runs } = await runHistory({ runsDir });
    expect(runs).toEqual([{ id: lost, workflow: null, state: 'interrupted', startedAt: at(42_000), durationMs: null, agents: { total: 0, live: 0, cached: 0, failed: 0 }, tokens: 0, costUsd: null }]);
  });

  test('no runs directory is an empty history', async () => {
    expect(await runHistory({ runsDir: join(tempRunsDir(), 'missing') })).toEqual({ runs: [], more: false });
  });

  test('runStartedAt prefers run.json and falls back to the time in the id', () => {
    expect(runStartedAt('wf_abc-123456', { startedAt: at(5) })).toBe(T0 + 5);
    expect(runStartedAt(`wf_${(T0 + 7).toString(36)}-zzzzzz`, {})).toBe(T0 + 7);
    expect(runStartedAt('not-an-id', {})).toBeUndefined();
  });

  test('R1 lastEventTime reads the tail of a long event stream', async () => {
    const runsDir = tempRunsDir();
    const activity = Array.from({ length: 3000 }, (_, index) => ({ time: at(index), type: 'agent-activity', index: 0, label: 'a', text: 'x'.repeat(40) }));
    const id = writeRun(runsDir, { startMs: 0, events: activity });
    expect(await lastEventTime(join(runsDir, id))).toBe(T0 + 2999);
    expect(await lastEventTime(join(runsDir, 'nope'))).toBeUndefined();
  });
});
