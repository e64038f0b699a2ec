import { describe, expect, test } from 'vitest';
import { WfUsageError } from '../../../src/errors.js';
import { inspectAgent, inspectRun } from '../../../src/runs/inspect.js';
import { at, deadPid, endedRecord, T0, tempRunsDir, writeRun } from '../../support/run-fixture.js';

const usage = (input: number, output: number) => ({ input, output, reasoning: 0 });
const FROM = { via: 'cache' as const, runId: 'wf_earlier-abcdef' };

/** A completed run: two parallel drafts (one reused from the cache), a failed review, in two phases. */
function completedRun(runsDir = tempRunsDir()) {
  const runId = writeRun(runsDir, {
    startMs: 0,
    record: endedRecord('completed', {
      file: '/p/flow.js',
      model: 'prov/m1',
      agentCount: 3,
      cachedCount: 1,
      failedCount: 1,
      usage: usage(200, 20),
      costUsd: 0.5,
      byModel: { 'prov/m1': { agents: 2, usage: usage(200, 20), costUsd: 0.5 } },
      durationMs: 1000,
      result: { answer: 42 },
      warnings: ['meta.phases does not declare "Review"'],
    }),
    agents: [
      { index: 0, label: 'draft:a', phase: 'Draft', queuedAt: at(100), startedAt: at(100), endedAt: at(400), durationMs: 300, usage: usage(100, 10), model: 'prov/m1', costUsd: 0.2, reuse: { decision: 'live', reason: 'new' }, key: 's1:aaa', result: 'A', requestedModel: 'prov/m1', toolCalls: 2 },
      { index: 1, label: 'draft:b', phase: 'Draft', queuedAt: at(100), endedAt: at(101), durationMs: 0, usage: usage(0, 0), model: 'prov/m1', reuse: { decision: 'hit', from: FROM }, result: 'B' },
      { index: 2, label: 'review', phase: 'Review', status: 'failed', queuedAt: at(450), startedAt: at(500), endedAt: at(900), durationMs: 400, usage: usage(100, 10), costUsd: 0.3, error: 'api down', reuse: { decision: 'live', reason: 'new' } },
    ],
    events: [
      { time: at(150), type: 'agent-activity', index: 0, label: 'draft:a', text: 'read_file notes.md' },
      { time: at(350), type: 'agent-activity', index: 0, label: 'draft:a', text: 'writing' },
      { time: at(600), type: 'agent-activity', index: 2, label: 'review', text: 'other agent' },
    ],
  });
  return { runsDir, runId };
}

describe('wf inspect: one run in detail', () => {
  test('R1 a completed run: summary from run.json, agents by phase on the run time axis', async () => {
    const { runsDir, runId } = completedRun();
    const run = await inspectRun({ runsDir, run: runId });
    expect(run).toMatchObject({
      runId,
      workflow: 'flow',
      file: '/p/flow.js',
      dispatcher: 'mock',
      model: 'prov/m1',
      status: 'completed',
      state: 'completed',
      startedAt: at(0),
      endedAt: at(1000),
      durationMs: 1000,
      budget: null,
      resumedFrom: null,
      agents: { total: 3, live: 2, cached: 1, failed: 1, stopped: 0, running: 0, queued: 0, interrupted: 0 },
      tokens: 220,
      costUsd: 0.5,
      byModel: { 'prov/m1': { agents: 2, costUsd: 0.5 } },
      result: { answer: 42 },
      error: null,
      warnings: ['meta.phases does not declare "Review"'],
      reportFile: null,
    });
    expect(run.phases.map((phase) => [phase.title, phase.agents.map((agent) => agent.index)])).toEqual([
      ['Draft', [0, 1]],
      ['Review', [2]],
    ]);
    const [draftA, draftB] = run.phases[0]!.agents;
    expect(draftA).toMatchObject({ status: 'completed', cachedFrom: null, model: 'prov/m1', queuedOffsetMs: 100, startOffsetMs: 100, endOffsetMs: 400, durationMs: 300, tokens: 110, costUsd: 0.2 });
    expect(draftB).toMatchObject({ status: 'completed', cachedFrom: FROM, tokens: 0, costUsd: null, startOffsetMs: null });
    expect(run.phases[1]!.agents[0]).toMatchObject({ status: 'failed', error: 'api down', queuedOffsetMs: 450, startOffsetMs: 500, endOffsetMs: 900 });
  });

  test('R1 `last` and a unique prefix name the newest run and that run', async () => {
    const runsDir = tempRunsDir();
    const older = writeRun(runsDir, { startMs: -60_000, record: endedRecord('failed', { error: { name: 'Error', code: 'WF_ERROR', message: 'boom', location: { file: '/p/f.js', line: 3, column: 7 } } }) });
    const newer = completedRun(runsDir).runId;
    expect((await inspectRun({ runsDir, run: 'last' })).runId).toBe(newer);
    const failed = await inspectRun({ runsDir, run: older.slice(0, 12) });
    expect(failed).toMatchObject({ runId: older, state: 'failed', error: { message: 'boom', location: { line: 3 } }, phases: [] });
  });

  test('R1 a running run: agents without a record yet come from events.jsonl; usage per model is recomputed', async () => {
    const runsDir = tempRunsDir();
    const runId = writeRun(runsDir, {
      startMs: 0,
      record: { workflow: 'flow', status: 'running' },
      agents: [{ index: 0, label: 'first', phase: 'Work', queuedAt: at(10), startedAt: at(20), endedAt: at(220), durationMs: 200, usage: usage(100, 10), model: 'prov/m1', costUsd: 0.25 }],
      events: [
        { time: at(5), type: 'phase-start', title: 'Work', depth: 0 },
        { time: at(10), type: 'agent-queue', index: 0, label: 'first', phase: 'Work' },
        { time: at(20), type: 'agent-start', index: 0, label: 'first', phase: 'Work' },
        { time: at(220), type: 'agent-end', index: 0, label: 'first', phase: 'Work', status: 'completed', usage: usage(100, 10), durationMs: 200 },
        { time: at(230), type: 'agent-queue', index: 1, label: 'second', phase: 'Work' },
        { time: at(240), type: 'agent-start', index: 1, label: 'second', phase: 'Work', model: 'prov/m2' },
        { time: at(250), type: 'agent-queue', index: 2, label: 'third', phase: 'Work' },
      ],
    });
    const run = await inspectRun({ runsDir, run: runId, now: () => T0 + 1000 });
    expect(run).toMatchObject({ state: 'running', pid: process.pid, endedAt: at(1000), durationMs: 1000, tokens: 110, costUsd: 0.25 });
    expect(run.agents).toMatchObject({ total: 3, live: 3, running: 1, queued: 1 });
    expect(run.byModel).toEqual({ 'prov/m1': { agents: 1, usage: usage(100, 10), costUsd: 0.25 } });
    expect(run.phases[0]!.agents.map((agent) => [agent.label, agent.status, agent.startOffsetMs, agent.endOffsetMs, agent.durationMs])).toEqual([
      ['first', 'completed', 20, 220, 200],
      ['second', 'running', 240, 1000, 760],
      ['third', 'queued', null, null, null],
    ]);
    expect(run.phases[0]!.agents[1]!.model).toBe('prov/m2');
  });

  test('R1 an interrupted run: its unfinished agents are interrupted; an agent-end newer than its record wins', async () => {
    const runsDir = tempRunsDir();
    const runId = writeRun(runsDir, {
      startMs: 0,
      record: { workflow: 'flow', status: 'running', pid: deadPid() },
      agents: [
        { index: 0, label: 'ended', status: 'running', queuedAt: at(10), startedAt: at(10), prompt: 'the real prompt' },
        { index: 1, label: 'cut off', status: 'running', queuedAt: at(10), startedAt: at(20) },
      ],
      events: [
        { time: at(10), type: 'agent-queue', index: 0, label: 'ended', phase: null },
        { time: at(10), type: 'agent-queue', index: 1, label: 'cut off', phase: null },
        { time: at(300), type: 'agent-end', index: 0, label: 'ended', phase: null, status: 'completed', usage: usage(10, 1), durationMs: 290 },
        { time: at(400), type: 'agent-activity', index: 1, label: 'cut off', text: 'still going' },
      ],
    });
    const run = await inspectRun({ runsDir, run: runId });
    expect(run).toMatchObject({ state: 'interrupted', status: 'running', endedAt: at(400), durationMs: 400 });
    expect(run.phases).toHaveLength(1);
    expect(run.phases[0]!.title).toBeNull();
    expect(run.phases[0]!.agents.map((agent) => [agent.label, agent.status, agent.endOffsetMs])).toEqual([
      ['ended', 'completed', 300],
      ['cut off', 'interrupted', 400],
    ]);
    expect(run.agents).toMatchObject({ total: 2, interrupted: 1 });
    const detail = await inspectAgent({ runsDir, run: runId, agent: '0' });
    expect(detail).toMatchObject({ status: 'completed', prompt: 'the real prompt', durationMs: 290 });
  });

  test('R1 --agent by index, #index or label: the full record and its activity relative to its start', async () => {
    const { runsDir, runId } = completedRun();
    const agent = await inspectAgent({ runsDir, run: runId, agent: '0' });
    expect(agent).toMatchObject({
      runId,
      index: 0,
      label: 'draft:a',
      phase: 'Draft',
      status: 'completed',
      prompt: 'prompt 0',
      options: {},
      requestedModel: 'prov/m1',
      model: 'prov/m1',
      key: 's1:aaa',
      reuse: { decision: 'live', reason: 'new' },
      result: 'A',
      toolCalls: 2,
      attempts: null,
      worktree: null,
      usage: usage(100, 10),
      costUsd: 0.2,
      dispatcher: 'mock',
    });
    expect(agent.activity).toEqual([
      { time: at(150), offsetMs: 50, text: 'read_file notes.md' },
      { time: at(350), offsetMs: 250, text: 'writing' },
    ]);
    expect((await inspectAgent({ runsDir, run: runId, agent: '#2' })).label).toBe('review');
    expect(await inspectAgent({ runsDir, run: runId, agent: 'draft:b' })).toMatchObject({ index: 1, cachedFrom: FROM, reuse: { decision: 'hit', from: FROM }, activity: [] });
  });

  test('R1 an unknown agent is a usage error naming the valid indexes and labels', async () => {
    const { runsDir, runId } = completedRun();
    for (const reference of ['7', 'nope']) {
      const error = await inspectAgent({ runsDir, run: runId, agent: reference }).catch((caught: unknown) => caught);
      expect(WfUsageError.isInstance(error), reference).toBe(true);
      expect((error as Error).message).toContain('give an index from 0 to 2, or a label: "draft:a", "draft:b", "review"');
    }
  });

  test('R1 a label shared by several agents asks for an index', async () => {
    const runsDir = tempRunsDir();
    const runId = writeRun(runsDir, { startMs: 0, record: endedRecord('completed'), agents: [{ index: 0, label: 'same' }, { index: 1, label: 'same' }] });
    await expect(inspectAgent({ runsDir, run: runId, agent: 'same' })).rejects.toThrow(/2 agents .* are labelled "same" \(#0, #1\)/);
  });
});
