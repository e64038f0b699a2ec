/**
 * A recorded event stream of a three-phase run, shared by the progress renderers' tests: a planner,
 * six researchers (one reused from the cache, one failing, one still queued when the others start,
 * one with a wide CJK-and-emoji label), a writer, activity and usage reports, a log line, provider
 * retry notices that repeat, and a token budget that gets near its ceiling.
 */
import type { Usage } from '../../../../src/dispatch/dispatcher.js';
import type { RunEvent } from '../../../../src/engine/events.js';
import { initialProgress, reduceProgress, type ProgressState } from '../../../../src/cli/render/progress-state.js';

export const T0 = Date.UTC(2025, 5, 1, 9, 0, 0);
export const RUN_ID = 'wf_mhx2k1c0-3kq9za';
export const RUN_DIR = `/work/p/.boocode/runs/${RUN_ID}`;
const FILE = '/work/p/.boocode/workflows/deep-research.js';

const usage = (input: number, output: number, reasoning = 0): Usage => ({ input, output, reasoning });
const ZERO = usage(0, 0);

export interface RecordedEvent {
  /** Milliseconds after T0. */
  at: number;
  event: RunEvent;
}

const research = ['survey: papers', 'survey: blogs', 'survey: 数据集 📊 and a long tail', 'survey: talks', 'survey: code', 'survey: forums'];
const RATE_LIMITED = 'openai: rate limited (429); pausing new requests for 2.0 s';
const RETRYING = (attempt: number) => `openai: connection failed; retrying in 1.2 s (retry ${attempt} of 4)`;

/** The stream up to MID_RUN_AT: Research is half done, three researchers run, the writer has not begun. */
const beforeMidRun: RecordedEvent[] = [
  { at: 0, event: { type: 'run-start', runId: RUN_ID, runDir: RUN_DIR, workflow: 'deep-research', file: FILE, dispatcher: 'openai' } },
  { at: 5, event: { type: 'phase-start', title: 'Plan', depth: 0 } },
  { at: 10, event: { type: 'agent-queue', index: 0, label: 'plan topics', phase: 'Plan' } },
  { at: 12, event: { type: 'agent-start', index: 0, label: 'plan topics', phase: 'Plan', model: 'openai/gpt-4.1-mini' } },
  { at: 400, event: { type: 'agent-activity', index: 0, label: 'plan topics', text: 'Listing the sub-questions…' } },
  { at: 900, event: { type: 'agent-usage', index: 0, label: 'plan topics', usage: usage(1200, 300) } },
  { at: 1500, event: { type: 'agent-end', index: 0, label: 'plan topics', phase: 'Plan', status: 'completed', usage: usage(1200, 420), durationMs: 1488, model: 'gpt-4.1-mini', costUsd: 0.0012 } },
  { at: 1510, event: { type: 'budget-update', spent: 420, total: 15000 } },
  { at: 1520, event: { type: 'log-write', line: 'planned 6 topics' } },
  { at: 1530, event: { type: 'phase-start', title: 'Research', depth: 0 } },
  ...research.map((label, offset): RecordedEvent => ({ at: 1540 + offset, event: { type: 'agent-queue', index: 1 + offset, label, phase: 'Research' } })),
  { at: 1548, event: { type: 'agent-end', index: 1, label: research[0]!, phase: 'Research', status: 'completed', usage: ZERO, durationMs: 0, cached: { via: 'cache', runId: 'wf_mhw9z8y7-1abcde' }, model: 'gpt-4.1' } },
  ...[2, 3, 4, 5].map((index): RecordedEvent => ({ at: 1550 + index, event: { type: 'agent-start', index, label: research[index - 1]!, phase: 'Research', model: 'openai/gpt-4.1' } })),
  { at: 1800, event: { type: 'agent-activity', index: 2, label: research[1]!, text: 'read_file docs/papers.md' } },
  { at: 1900, event: { type: 'agent-activity', index: 3, label: research[2]!, text: 'Reading the dataset card:\n  columns,\tlicences and \u001b[31msizes\u001b[0m' } },
  { at: 2000, event: { type: 'warning', message: RATE_LIMITED } },
  { at: 2100, event: { type: 'agent-usage', index: 2, label: research[1]!, usage: usage(3000, 800) } },
  { at: 2200, event: { type: 'warning', message: RATE_LIMITED } },
  { at: 2300, event: { type: 'warning', message: RETRYING(1) } },
  { at: 2400, event: { type: 'warning', message: RETRYING(2) } },
  { at: 2500, event: { type: 'warning', message: RATE_LIMITED } },
  { at: 2600, event: { type: 'warning', message: RETRYING(3) } },
  { at: 2700, event: { type: 'agent-usage', index: 3, label: research[2]!, usage: usage(2500, 1200) } },
  { at: 2800, event: { type: 'warning', message: RATE_LIMITED } },
  { at: 3000, event: { type: 'warning', message: 'agent(): unknown option "temprature" was dropped' } },
  { at: 3100, event: { type: 'warning', message: 'agent(): unknown option "temprature" was dropped' } },
  { at: 4000, event: { type: 'agent-end', index: 4, label: research[3]!, phase: 'Research', status: 'failed', usage: usage(900, 50), durationMs: 2446, error: 'openai: request rejected (400): context length exceeded', model: 'gpt-4.1', costUsd: 0.0022 } },
  { at: 4010, event: { type: 'agent-start', index: 6, label: research[5]!, phase: 'Research', model: 'openai/gpt-4.1' } },
  { at: 4500, event: { type: 'agent-activity', index: 5, label: research[4]!, text: 'grep "workflow" src/**/*.ts' } },
  { at: 5000, event: { type: 'agent-usage', index: 2, label: research[1]!, usage: usage(6000, 11000) } },
  { at: 5010, event: { type: 'budget-update', spent: 12670, total: 15000 } },
  { at: 5020, event: { type: 'warning', message: 'budget: 12670 of 15000 tokens spent (84%); agent() throws once it is spent' } },
];

/** When the mid-run view is taken. */
export const MID_RUN_AT = 6000;

const afterMidRun: RecordedEvent[] = [
  { at: 6500, event: { type: 'agent-end', index: 2, label: research[1]!, phase: 'Research', status: 'completed', usage: usage(6000, 11200), durationMs: 4948, model: 'gpt-4.1', costUsd: 0.1016 } },
  { at: 7000, event: { type: 'agent-end', index: 3, label: research[2]!, phase: 'Research', status: 'completed', usage: usage(2600, 1300), durationMs: 5447, model: 'gpt-4.1', costUsd: 0.0156 } },
  { at: 7200, event: { type: 'agent-end', index: 5, label: research[4]!, phase: 'Research', status: 'completed', usage: usage(2000, 500), durationMs: 5648, model: 'gpt-4.1', costUsd: 0.008 } },
  { at: 7400, event: { type: 'agent-end', index: 6, label: research[5]!, phase: 'Research', status: 'completed', usage: usage(1800, 400), durationMs: 3390, model: 'gpt-4.1', costUsd: 0.0068 } },
  { at: 7410, event: { type: 'budget-update', spent: 13870, total: 15000 } },
  { at: 7420, event: { type: 'phase-start', title: 'Write', depth: 0 } },
  { at: 7430, event: { type: 'agent-queue', index: 7, label: 'write report', phase: 'Write' } },
  { at: 7440, event: { type: 'agent-start', index: 7, label: 'write report', phase: 'Write', model: 'openai/gpt-4.1' } },
  { at: 9400, event: { type: 'agent-end', index: 7, label: 'write report', phase: 'Write', status: 'completed', usage: usage(9000, 1000), durationMs: 1960, model: 'gpt-4.1', costUsd: 0.03 } },
  { at: 9410, event: { type: 'budget-update', spent: 14870, total: 15000 } },
  {
    at: 9500,
    event: {
      type: 'run-end',
      summary: {
        runId: RUN_ID,
        runDir: RUN_DIR,
        workflow: 'deep-research',
        status: 'completed',
        result: { report: '# Findings' },
        error: null,
        agentCount: 8,
        cachedCount: 1,
        failedCount: 1,
        usage: usage(23500, 14870),
        costUsd: 0.1654,
        phases: [
          { title: 'Plan', agents: 1, done: 1, usage: usage(1200, 420) },
          { title: 'Research', agents: 6, done: 6, usage: usage(13300, 13450) },
          { title: 'Write', agents: 1, done: 1, usage: usage(9000, 1000) },
        ],
        warnings: [RATE_LIMITED, RETRYING(1), 'agent(): unknown option "temprature" was dropped', 'budget: 12670 of 15000 tokens spent (84%); agent() throws once it is spent'],
        startedAt: new Date(T0).toISOString(),
        durationMs: 9500,
      },
    },
  },
];

export const recordedRun: RecordedEvent[] = [...beforeMidRun, ...afterMidRun];

/** The progress state after every recorded event up to `untilMs` after T0. */
export function replay(untilMs = Number.POSITIVE_INFINITY): ProgressState {
  return recordedRun.filter(({ at }) => at <= untilMs).reduce((state, { at, event }) => reduceProgress(state, event, T0 + at), initialProgress);
}
