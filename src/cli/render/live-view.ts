/**
 * The live progress view on an interactive terminal (stderr): a frame of the run's phases,
 * running agents and warnings (live-frame.ts), redrawn in place by log-update, with the lines worth
 * keeping (log() output, phase starts, failures, wf's own messages) printed once above it into the
 * scrollback. Events only update the model (progress-state.ts); a timer draws, so a chatty run costs
 * one redraw per tick and never one per event. progress-view.ts decides when this view is used.
 */
import { createLogUpdate } from 'log-update';
import picocolors from 'picocolors';
import type { RunEvent } from '../../engine/events.js';
import { renderFrame, type Colors } from './live-frame.js';
import { progressLine } from './progress.js';
import type { ProgressView } from './progress-view.js';
import { initialProgress, reduceProgress, type ProgressState } from './progress-state.js';
import { printableText } from './terminal-text.js';

/** Between redraws: fast enough to feel live, slow enough that a redraw costs nothing noticeable. */
export const REDRAW_INTERVAL_MS = 120;

export interface LiveViewOptions {
  /** Default: when the terminal has colours (FORCE_COLOR and TERM count) and NO_COLOR is unset or empty. */
  colors?: boolean;
  /** The clock for elapsed times (ms since the epoch); default Date.now. */
  now?: () => number;
  /** Default REDRAW_INTERVAL_MS. */
  redrawIntervalMs?: number;
}

/**
 * The live view on `stream`, a terminal (it reads `columns` and `rows` at every frame and redraws on
 * `resize`). Call close() once the run has ended: it leaves the last frame and the run-end line in
 * the scrollback and shows the cursor again.
 */
export function createLiveView(stream: NodeJS.WriteStream, options: LiveViewOptions = {}): ProgressView {
  const now = options.now ?? Date.now;
  const colors = picocolors.createColors(options.colors ?? terminalHasColors(stream));
  const log = createLogUpdate(stream, { showCursor: false });
  let state: ProgressState = initialProgress;
  /** Lines waiting to be printed above the frame at the next redraw, in the order they came. */
  const pending: LineAbove[] = [];
  /** The frame on the screen now, so an unchanged one is not written again. */
  let shownFrame: string | null = null;
  let runEndLine: LineAbove | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const size = () => ({ width: stream.columns || 80, height: stream.rows || 24 });

  const printAbove = ({ text, paint }: LineAbove) => {
    for (const piece of screenfuls(text, size())) log.persist(paint(piece));
    shownFrame = null; // persist erased the frame
  };

  const redraw = () => {
    for (const line of pending.splice(0)) printAbove(line);
    if (state.runId === null) return; // nothing to show before the run has started
    const frame = renderFrame(state, { ...size(), now: now(), colors }).join('\n');
    if (frame === shownFrame) return;
    log(frame);
    shownFrame = frame;
  };

  const startTimer = () => {
    if (timer !== undefined || closed) return;
    timer = setInterval(redraw, options.redrawIntervalMs ?? REDRAW_INTERVAL_MS);
    timer.unref(); // the run, not its progress view, decides when wf exits
  };

  const onResize = () => {
    shownFrame = null;
    redraw();
  };
  stream.on('resize', onResize);

  return {
    onEvent(event) {
      if (closed) return;
      state = reduceProgress(state, event, now());
      const line = lineAbove(event, colors);
      if (line !== null) pending.push(line);
      if (event.type === 'run-end') runEndLine = { text: flattened(progressLine(event) ?? ''), paint: unpainted };
      startTimer();
    },
    message(line) {
      if (closed) return;
      pending.push({ text: printableText(line), paint: unpainted });
      startTimer();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stream.off('resize', onResize);
      redraw(); // the final frame, once
      log.done(); // keeps the frame on the screen and shows the cursor again
      if (runEndLine !== null) printAbove(runEndLine);
    },
  };
}

const unpainted = (text: string) => text;

/** A line printed once above the frame; `paint` colours it after it is cut to fit. */
interface LineAbove {
  text: string;
  paint: (text: string) => string;
}

/** What is printed once above the frame for `event` (the plain view's line), or null when the frame alone shows it. */
function lineAbove(event: RunEvent, colors: Colors): LineAbove | null {
  const line = progressLine(event);
  if (line === null) return null;
  switch (event.type) {
    case 'log-write':
      return { text: printableText(line), paint: unpainted };
    case 'phase-start':
      return { text: flattened(line), paint: colors.bold };
    case 'agent-end':
      return event.status === 'failed' ? { text: flattened(line), paint: colors.red } : null;
    default:
      return null;
  }
}

/** A plain-view line on one line (an error message may span several), its indentation kept. */
function flattened(line: string): string {
  return printableText(line).replace(/\s*\n\s*/g, ' ');
}

/**
 * Colour when the terminal supports it and NO_COLOR is unset or empty (no-color.org). node's
 * hasColors alone is not that: any NO_COLOR, even empty, turns colour off, and FORCE_COLOR
 * outranks a NO_COLOR that is set; so the decision on NO_COLOR is made here and the terminal is
 * asked without it.
 */
function terminalHasColors(stream: NodeJS.WriteStream): boolean {
  const { NO_COLOR: noColor, ...environment } = process.env;
  if (noColor) return false;
  return stream.hasColors?.(environment) === true;
}

/**
 * `text` in pieces that log-update prints whole: it keeps only the last screenful of what it is
 * given, so a long log line would lose its start. Each piece is one line of at most
 * (rows − 1) × columns / 2 characters, which fits even if every character is two columns wide.
 */
function screenfuls(text: string, { width, height }: { width: number; height: number }): string[] {
  const limit = Math.max(1, Math.floor(((height - 1) * width) / 2));
  return text.split('\n').flatMap((line) => {
    const characters = Array.from(line);
    if (characters.length <= limit) return [line];
    const pieces: string[] = [];
    for (let start = 0; start < characters.length; start += limit) pieces.push(characters.slice(start, start + limit).join(''));
    return pieces;
  });
}
