import { describe, expect, test } from 'vitest';
import { renderAgentInspection } from '../../../../src/cli/render/agent-inspection.js';
import { renderRunHistory } from '../../../../src/cli/render/run-history.js';
import { renderRunInspection } from '../../../../src/cli/render/run-inspection.js';
import { displayWidth } from '../../../../src/cli/render/text-width.js';
import { timelineBar } from '../../../../src/cli/render/timeline-bar.js';
import { runHistory } from '../../../../src/runs/history.js';
import { inspectAgent, inspectRun } from '../../../../src/runs/inspect.js';
import { at, endedRecord, tempRunsDir, writeRun } from '../../../support/run-fixture.js';

const usage = (input: number, output: number) => ({ input, output, reasoning: 0 });

function fixture() {
  const runsDir = tempRunsDir();
  const runId = writeRun(runsDir, {
    startMs: 0,
    record: endedRecord('completed', { agentCount: 3, cachedCount: 1, usage: usage(200, 20), durationMs: 1000, result: 'line one\nline two' }),
    agents: [
      { index: 0, label: 'draft:a', phase: 'Draft', queuedAt: at(0), startedAt: at(0), endedAt: at(500), durationMs: 500, usage: usage(100, 10), costUsd: 0.01, prompt: 'Write\nthe draft', result: { title: 'T', points: [1, 2] } },
      { index: 1, label: 'a label that is far too long to fit in the column of a narrow terminal', phase: 'Draft', queuedAt: at(0), startedAt: at(500), endedAt: at(1000), durationMs: 500, usage: usage(100, 10) },
      { index: 2, label: 'reused', phase: 'Review', queuedAt: at(999), endedAt: at(999), durationMs: 0, reuse: { decision: 'hit', from: { via: 'cache', runId: 'wf_earlier-abcdef' } } },
    ],
    events: [{ time: at(250), type: 'agent-activity', index: 0, label: 'draft:a', text: 'calling read_file \u001b[31mred\u001b[0m' }],
  });
  return { runsDir, runId };
}

describe('wf inspect rendering', () => {
  test('timeline bars: queued, working and idle cells over the run axis; short work still shows', () => {
    expect(timelineBar({ queuedMs: 0, startMs: 250, endMs: 750 }, 1000, 8)).toBe('░░████··');
    expect(timelineBar({ queuedMs: 900, startMs: 900, endMs: 901 }, 1000, 10)).toBe('·········█');
    // Stopped while queued: it only waited.
    expect(timelineBar({ queuedMs: 500, startMs: null, endMs: 750 }, 1000, 4)).toBe('··░·');
    expect(timelineBar({ queuedMs: 0, startMs: 0, endMs: 0 }, 0, 3)).toBe('█··');
  });

  test('R1 the run view: summary, phases with marks, bars ending at the width, models', async () => {
    const { runsDir, runId } = fixture();
    const run = await inspectRun({ runsDir, run: runId });
    for (const width of [60, 100, 140]) {
      const text = renderRunInspection(run, { width });
      const timeline = text.split('\n').filter((line) => /^ {2}\S +#\d/.test(line));
      expect(timeline, `width ${width}`).toHaveLength(3);
      for (const line of timeline.slice(0, 2)) expect(displayWidth(line), `${width}: ${line}`).toBe(width);
      for (const line of text.split('\n').filter((line) => !line.startsWith('result') && !line.startsWith('workflow'))) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
    const text = renderRunInspection(run, { width: 100 });
    expect(text).toContain(`run         ${runId}`);
    expect(text).toMatch(/agents {6}3: 2 live, 1 cached, 0 failed, 0 stopped/);
    expect(text).toMatch(/result {6}line one \(\+1 lines\); all of it: --json/);
    expect(text).toMatch(/timeline {2}█ working {2}░ queued {2}↺ reused/);
    expect(text).toMatch(/▸ Draft\n {2}✓ +#0 +draft:a +500ms +110 +\$0\.0100 +█+·+\n/);
    expect(text).toMatch(/ {2}✓ +#1 +a label that is.*… +500ms +110 +- +░+█+\n/);
    expect(text).toMatch(/▸ Review\n {2}↺ +#2 +reused +cached +0 +- +↺ wf_earlier-abcdef \(cache\)/);
    expect(text).toMatch(/models\n {2}model +agents +input +output +cost\n {2}mock +2 +200 +20 +\$0\.0100/);
  });

  test('R1 the agent view prints prompt, result and activity in full, made printable', async () => {
    const { runsDir, runId } = fixture();
    const text = renderAgentInspection(await inspectAgent({ runsDir, run: runId, agent: 'draft:a' }));
    expect(text).toContain('agent       #0 draft:a');
    expect(text).toContain('prompt\n  Write\n  the draft');
    expect(text).toContain('result\n  {\n    "title": "T",');
    expect(text).toContain('activity (1)\n  +250ms  calling read_file red');
    expect(text).not.toContain('\u001b');
  });

  test('R1 the runs table and its empty messages', async () => {
    const { runsDir, runId } = fixture();
    const history = await runHistory({ runsDir });
    const text = renderRunHistory({ ...history, filtered: false, runsDir }, { width: 100 });
    const [header, row] = text.split('\n');
    expect(header).toMatch(/^id +workflow +status +started +duration +live\/cached\/failed +tokens +cost$/);
    expect(row).toMatch(new RegExp(`^${runId} +flow +completed +\\d\\d-\\d\\d \\d\\d:\\d\\d +1\\.0s +2/1/0 +220 +-$`));
    expect(renderRunHistory({ runs: [], more: false, filtered: false, runsDir }, { width: 100 })).toMatch(/^no runs yet in .*; start one with `wf run <workflow>`/);
    expect(renderRunHistory({ runs: [], more: false, filtered: true, runsDir }, { width: 100 })).toMatch(/^no runs match these filters/);
  });
});
