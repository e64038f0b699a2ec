/**
 * The choice of progress view for a run: the live terminal view when stderr is an interactive
 * terminal, plain lines otherwise or with `--plain`, only warnings with `--quiet`. Every view
 * takes run events and is closed once the run has ended.
 */
import type { RunEvent } from '../../engine/events.js';
import type { Output } from '../output.js';
import { progressLine } from './progress.js';

export interface ProgressView {
  onEvent(event: RunEvent): void;
  /** A line from wf itself while the run goes (e.g. "SIGINT received"), shown above a live view. */
  message(line: string): void;
  /** Leaves the terminal as a person expects to find it (cursor shown, last frame kept). */
  close(): void;
}

export interface ProgressViewOptions {
  quiet?: boolean;
  plain?: boolean;
}

export async function createProgressView(io: Output, options: ProgressViewOptions = {}): Promise<ProgressView> {
  if (options.quiet) return quietView(io);
  // TERM=dumb terminals (Emacs shell buffers, some CI consoles) cannot move the cursor. The live
  // view (log-update, string-width) loads only when used: CI and pipes do not pay its start-up.
  if (io.errTerminal && !options.plain && process.env.TERM !== 'dumb') return (await import('./live-view.js')).createLiveView(io.errTerminal);
  return plainView(io);
}

/** One line per event (progress.ts). */
export function plainView(io: Output): ProgressView {
  return {
    onEvent(event) {
      const line = progressLine(event);
      if (line !== null) io.err(line);
    },
    message: (line) => io.err(line),
    close() {},
  };
}

/** `--quiet`: only warnings, which a person must not miss. */
function quietView(io: Output): ProgressView {
  return {
    onEvent(event) {
      if (event.type !== 'warning') return;
      const line = progressLine(event);
      if (line !== null) io.err(line);
    },
    message: (line) => io.err(line),
    close() {},
  };
}
