import picocolors from 'picocolors';
import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { renderFrame } from '../../../../src/cli/render/live-frame.js';
import { initialProgress, reduceProgress, type ProgressState } from '../../../../src/cli/render/progress-state.js';
import type { RunEvent } from '../../../../src/engine/events.js';
import { MID_RUN_AT, T0, replay } from './recorded-run.js';

const plain = picocolors.createColors(false);
const colored = picocolors.createColors(true);
const ANSI = /\u001b\[/;

const midRun = replay(MID_RUN_AT);
const frame = (state: ProgressState, width: number, height = 30, now = T0 + MID_RUN_AT, colors = plain) => renderFrame(state, { width, height, now, colors });

describe.each([60, 100])('live frame: the recorded run mid-way at %i columns', (width) => {
  const lines = frame(midRun, width);

  test('no line is wider than the terminal, wide CJK and emoji characters counted as two', () => {
    for (const line of [...lines, ...frame(midRun, width, 30, T0 + MID_RUN_AT, colored)]) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
    expect(lines.some((line) => line.includes('数据'))).toBe(true);
  });

  test('the header names the run and its totals', () => {
    expect(lines[0]).toBe('wf deep-research · wf_mhx2k1c0-3kq9za · 6.0s');
    const header = lines.slice(1, 3).join(' · ');
    for (const part of ['agents 3/7 done', '4 running', '1 cached', '1 failed', '23.3k tokens', '$0.0034', 'budget 84% of 15.0k']) expect(header).toContain(part);
  });

  test('phases show done/total, tokens and elapsed; cached and failed agents are marked', () => {
    expect(lines.find((line) => line.startsWith('✓ Plan'))).toMatch(/ 1\/1 +1\.6k tok +1\.5s$/);
    expect(lines.find((line) => line.startsWith('▸ Research'))).toMatch(/ 2\/6 +21\.6k tok +4\.5s  1 cached, 1 failed$/);
  });

  test('running agents are listed under their phase with elapsed, tokens and latest activity', () => {
    const research = lines.findIndex((line) => line.startsWith('▸ Research'));
    const agents = lines.slice(research + 1, research + 5);
    expect(agents.map((line) => /#(\d+)/.exec(line)?.[1])).toEqual(['2', '3', '5', '6']);
    expect(agents[0]).toMatch(/^ {4}◦ #2 survey: blogs +.* 4\.4s +17\.0k tok  › read_f/);
    expect(agents[3]).toMatch(/#6 survey: forums +.* 2\.0s +0 tok$/);
  });

  test('warnings are folded: one line for seven retry notices', () => {
    const retries = lines.filter((line) => line.includes('openai: '));
    expect(retries).toEqual(['! openai: rate limited (429) — 7 retries/pauses so far']);
    expect(lines.filter((line) => line.includes('temprature'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^! budget: 12670 of 15000 tokens spent \(84%\)/);
  });

  test('without colour there are no escape sequences; with colour there are', () => {
    expect(lines.join('\n')).not.toMatch(ANSI);
    expect(frame(midRun, width, 30, T0 + MID_RUN_AT, colored).join('\n')).toMatch(ANSI);
  });
});

describe('live frame: layout', () => {
  test('the frame at 100 columns', () => {
    expect(frame(midRun, 100).join('\n')).toMatchInlineSnapshot(`
      "wf deep-research · wf_mhx2k1c0-3kq9za · 6.0s
      agents 3/7 done · 4 running · 1 cached · 1 failed · 23.3k tokens · $0.0034 · budget 84% of 15.0k
      ✓ Plan      ██████████  1/1    1.6k tok    1.5s
      ▸ Research  ███░░░░░░░  2/6   21.6k tok    4.5s  1 cached, 1 failed
          ◦ #2 survey: blogs              openai/gpt-4.1    4.4s   17.0k tok  › read_file docs/papers.md
          ◦ #3 survey: 数据集 📊 and a …  openai/gpt-4.1    4.4s    3.7k tok  › Reading the dataset card:…
          ◦ #5 survey: code               openai/gpt-4.1    4.4s       0 tok  › grep "workflow" src/**/*.…
          ◦ #6 survey: forums             openai/gpt-4.1    2.0s       0 tok
      ! openai: rate limited (429) — 7 retries/pauses so far
      ! agent(): unknown option "temprature" was dropped (×2)
      ! budget: 12670 of 15000 tokens spent (84%); agent() throws once it is spent"
    `);
  });

  test('wide terminals get a progress bar and the model column; narrow ones leave them out', () => {
    expect(frame(midRun, 100).join('\n')).toContain('███░░░░░░░  2/6');
    expect(frame(midRun, 100).join('\n')).toContain('openai/gpt-4.1');
    expect(frame(midRun, 60).join('\n')).not.toMatch(/█|openai\/gpt/);
  });

  test('when the agents do not fit, the rest are "… and N more running"', () => {
    const lines = frame(midRun, 100, 10);
    expect(lines).toHaveLength(9);
    expect(lines.filter((line) => line.includes(' ◦ #'))).toHaveLength(1);
    expect(lines).toContain('    … and 3 more running');
    expect(frame(midRun, 60, 9)).toContain('    … and 4 more running');
  });

  test('the frame never has more than height − 1 lines nor a line wider than the terminal', () => {
    for (const width of [1, 10, 20, 45, 60, 100, 200]) {
      for (const height of [0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 24, 32]) {
        for (const state of [midRun, replay(), manyPhases(30)]) {
          const lines = frame(state, width, height, T0 + MID_RUN_AT, colored);
          expect(lines.length, `${width}x${height}`).toBeLessThanOrEqual(Math.max(0, height - 1));
          for (const line of lines) expect(stringWidth(line), `${width}x${height}: ${line}`).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  test('wide characters are never cut in half at any width', () => {
    const state = play([
      { type: 'run-start', runId: 'wf_cjk', runDir: '/r', workflow: '日本語のワークフロー', file: '/w.js', dispatcher: 'mock' },
      { type: 'phase-start', title: '調査フェーズ', depth: 0 },
      { type: 'agent-queue', index: 0, label: '資料を集める🔍エージェント', phase: '調査フェーズ' },
      { type: 'agent-start', index: 0, label: '資料を集める🔍エージェント', phase: '調査フェーズ', model: 'モデル/大きい' },
      { type: 'agent-activity', index: 0, label: '資料を集める🔍エージェント', text: '読んでいます：第一章から第三章まで' },
      { type: 'warning', message: '警告：予算の八十五パーセントを使いました' },
    ]);
    for (let width = 1; width <= 120; width += 1) {
      for (const line of frame(state, width, 30, T0, colored)) expect(stringWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
  });

  test('on a short terminal, finished phases fold into one line and the running phase stays', () => {
    const lines = frame(manyPhases(30), 100, 12);
    expect(lines).toContain('✓ 29 phases done: 29 agents, 3.2k tok');
    expect(lines.some((line) => line.startsWith('▸ step 30'))).toBe(true);
    expect(lines.some((line) => line.includes('#29 worker 30'))).toBe(true);
  });

  test('the final frame shows every phase done and how the run ended', () => {
    const lines = frame(replay(), 100, 30, T0 + 60_000);
    expect(lines[0]).toBe('wf deep-research · wf_mhx2k1c0-3kq9za · completed in 9.5s');
    expect(lines[1]).toBe('agents 8/8 done · 1 cached · 1 failed · 38.4k tokens · $0.1654 · budget 99% of 15.0k');
    expect(lines.filter((line) => line.startsWith('✓ ')).map((line) => /^✓ (\w+) .* (\d+\/\d+) /.exec(line)?.slice(1))).toEqual([
      ['Plan', '1/1'],
      ['Research', '6/6'],
      ['Write', '1/1'],
    ]);
    expect(lines.some((line) => line.includes(' ◦ '))).toBe(false);
  });

  test('a stopping run says so under the header', () => {
    const stopping = reduceProgress(midRun, { type: 'run-stopping', reason: 'SIGINT received' }, T0 + MID_RUN_AT);
    expect(frame(stopping, 100)[2]).toBe('■ stopping: SIGINT received; no new agents start');
  });

  test('agents outside any phase are listed too', () => {
    const state = play([
      { type: 'run-start', runId: 'wf_x', runDir: '/r', workflow: 'flat', file: '/flat.js', dispatcher: 'mock' },
      { type: 'agent-queue', index: 0, label: 'lonely', phase: null },
      { type: 'agent-start', index: 0, label: 'lonely', phase: null },
    ]);
    expect(frame(state, 60, 30, T0 + 1200).slice(2)).toEqual(['  ◦ #0 lonely    1.2s       0 tok']);
  });
});

function play(events: RunEvent[]): ProgressState {
  return events.reduce((state, event) => reduceProgress(state, event, T0), initialProgress);
}

/** A run with `count` one-agent phases, all done but the last, whose agent still runs. */
function manyPhases(count: number): ProgressState {
  const events: RunEvent[] = [{ type: 'run-start', runId: 'wf_many', runDir: '/r', workflow: 'many', file: '/many.js', dispatcher: 'mock' }];
  for (let index = 0; index < count; index += 1) {
    const phase = `step ${index + 1}`;
    const label = `worker ${index + 1}`;
    events.push({ type: 'phase-start', title: phase, depth: 0 }, { type: 'agent-queue', index, label, phase }, { type: 'agent-start', index, label, phase });
    if (index < count - 1) events.push({ type: 'agent-end', index, label, phase, status: 'completed', usage: { input: 100, output: 10, reasoning: 0 }, durationMs: 5 });
  }
  return play(events);
}
