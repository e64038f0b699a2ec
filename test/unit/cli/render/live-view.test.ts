import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLiveView, REDRAW_INTERVAL_MS } from '../../../../src/cli/render/live-view.js';
import { createProgressView } from '../../../../src/cli/render/progress-view.js';
import type { Output } from '../../../../src/cli/output.js';
import { MID_RUN_AT, T0, recordedRun } from './recorded-run.js';

/** A terminal stand-in: records what is written, has a size, and can be resized. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  written = '';
  writes = 0;
  constructor(
    public columns = 100,
    public rows = 30,
  ) {
    super();
  }
  write(chunk: string): boolean {
    this.written += chunk;
    this.writes += 1;
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  /** What was written, without escape sequences. */
  get text(): string {
    return this.written.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '');
  }
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

let clock = T0;
const now = () => clock;

beforeEach(() => {
  vi.useFakeTimers();
  clock = T0;
});
afterEach(() => {
  vi.useRealTimers();
});

function liveView(terminal: FakeTerminal) {
  return createLiveView(terminal as unknown as NodeJS.WriteStream, { colors: false, now });
}

describe('live view: drawing', () => {
  test('events only update the model; the timer draws once per tick however many arrive', () => {
    const terminal = new FakeTerminal();
    const view = liveView(terminal);
    for (const { at, event } of recordedRun.filter(({ at }) => at <= MID_RUN_AT)) {
      clock = T0 + at;
      view.onEvent(event);
    }
    expect(terminal.writes).toBe(0);
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS);
    expect(occurrences(terminal.text, 'wf deep-research · ')).toBe(1);
    const afterFirstTick = terminal.writes;
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS); // nothing changed, the clock did not move: nothing is written
    expect(terminal.writes).toBe(afterFirstTick);
    view.close();
  });

  test('log lines, phase starts, failures and wf messages are printed once above the frame, in order', () => {
    const terminal = new FakeTerminal();
    const view = liveView(terminal);
    for (const { at, event } of recordedRun.filter(({ at }) => at <= MID_RUN_AT)) {
      clock = T0 + at;
      view.onEvent(event);
    }
    view.message('wf: SIGINT received: stopping the run');
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS * 3);
    const text = terminal.text;
    const above = ['▸ phase Plan', '  log: planned 6 topics', '▸ phase Research', '  ✗ #4 survey: talks failed (openai: request rejected (400): context length exceeded)', 'wf: SIGINT received'];
    for (const line of above) expect(occurrences(text, line), line).toBe(1);
    const positions = above.map((line) => text.indexOf(line));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text.indexOf('wf: SIGINT received')).toBeLessThan(text.lastIndexOf('wf deep-research · '));
    // Warnings stay in the frame, folded, and are not printed as lines of their own.
    expect(text).not.toContain('pausing new requests');
    view.close();
  });

  test('a resize redraws at once, at the new width', () => {
    const terminal = new FakeTerminal(100, 30);
    const view = liveView(terminal);
    for (const { at, event } of recordedRun.filter(({ at }) => at <= MID_RUN_AT)) view.onEvent(event);
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS);
    expect(terminal.text).toContain('openai/gpt-4.1');
    terminal.written = '';
    terminal.resize(60, 30);
    expect(terminal.text).toContain('agents 3/7 done · 4 running · 1 cached · 1 failed\n');
    expect(terminal.text).not.toContain('openai/gpt-4.1');
    view.close();
    expect(terminal.listenerCount('resize')).toBe(0);
  });
});

describe('live view: close', () => {
  test('draws the final frame, then how the run ended; a second close writes nothing', () => {
    const terminal = new FakeTerminal();
    const view = liveView(terminal);
    for (const { at, event } of recordedRun) {
      clock = T0 + at;
      view.onEvent(event);
    }
    view.close();
    const text = terminal.text;
    expect(occurrences(text, 'wf deep-research · ')).toBe(1);
    expect(text.indexOf('completed in 9.5s')).toBeLessThan(text.indexOf('wf: run completed in 9.5s: 8 agents (1 cached)'));
    // log-update breaks the line at the terminal's width, so the terminal never wraps it.
    expect(text.replace(/\n/g, '').endsWith(`/work/p/.boocode/runs/wf_mhx2k1c0-3kq9za`)).toBe(true);
    const written = terminal.writes;
    view.close();
    view.onEvent({ type: 'warning', message: 'late' });
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS * 2);
    expect(terminal.writes).toBe(written);
  });

  test('the redraw timer does not keep the process alive', () => {
    const terminal = new FakeTerminal();
    const view = liveView(terminal);
    view.onEvent(recordedRun[0]!.event);
    expect(vi.getTimerCount()).toBe(1);
    view.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a very long log line is printed whole, not cut to the last screenful', () => {
    const terminal = new FakeTerminal(20, 5);
    const view = liveView(terminal);
    view.onEvent(recordedRun[0]!.event);
    const long = Array.from({ length: 60 }, (_, index) => `w${index}`).join(' ');
    view.onEvent({ type: 'log-write', line: long });
    vi.advanceTimersByTime(REDRAW_INTERVAL_MS);
    view.close();
    expect(terminal.text.replace(/\n/g, '')).toContain(`log: ${long}`);
  });
});

describe('progress view choice', () => {
  const output = (terminal?: FakeTerminal): Output & { lines: string[] } => {
    const lines: string[] = [];
    return { out: () => undefined, err: (text) => lines.push(text), errIsTty: terminal !== undefined, ...(terminal ? { errTerminal: terminal as unknown as NodeJS.WriteStream } : {}), lines };
  };
  const phase = { type: 'phase-start', title: 'Plan', depth: 0 } as const;

  test('the live view on a terminal; plain lines with --plain, without a terminal, or with TERM=dumb', async () => {
    const term = process.env.TERM;
    try {
      process.env.TERM = 'xterm-256color';
      const live = output(new FakeTerminal());
      (await createProgressView(live)).onEvent(phase);
      expect(live.lines).toEqual([]);
      for (const [io, plain] of [
        [output(new FakeTerminal()), true],
        [output(), false],
      ] as const) {
        (await createProgressView(io, { plain })).onEvent(phase);
        expect(io.lines).toEqual(['▸ phase Plan']);
      }
      process.env.TERM = 'dumb';
      const dumb = output(new FakeTerminal());
      (await createProgressView(dumb)).onEvent(phase);
      expect(dumb.lines).toEqual(['▸ phase Plan']);
    } finally {
      if (term === undefined) delete process.env.TERM;
      else process.env.TERM = term;
    }
  });

  test('--quiet shows only warnings, even on a terminal', async () => {
    const io = output(new FakeTerminal());
    const view = await createProgressView(io, { quiet: true });
    view.onEvent(phase);
    view.onEvent({ type: 'warning', message: 'careful' });
    expect(io.lines).toEqual(['wf: warning: careful']);
  });
});
