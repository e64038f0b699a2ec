/**
 * The choice of progress view for a run: the live terminal view when stderr is an interactive
 * terminal, plain lines otherwise or with `--plain`, only warnings with `--quiet`. Every view
 * takes run events and is closed once the run has ended.
 */
import type { RunEvent } from '../../engine/events.js';
import type { Output } from '../output.js';
import { progressLine } from './progress.js';
import { retryNoticeProvider } from './progress-state.js';

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

/** One line per event (progress.ts), with a provider's retry notices thinned out. */
export function plainView(io: Output): ProgressView {
  const retries = retryThinner();
  return {
    onEvent(event) {
      const line = progressLine(event);
      if (line !== null && (event.type !== 'warning' || retries.show(event.message))) io.err(retries.annotate(event, line));
    },
    message: (line) => io.err(line),
    close() {},
  };
}

/** `--quiet`: only warnings, which a person must not miss. */
function quietView(io: Output): ProgressView {
  const retries = retryThinner();
  return {
    onEvent(event) {
      if (event.type !== 'warning' || !retries.show(event.message)) return;
      const line = progressLine(event);
      if (line !== null) io.err(retries.annotate(event, line));
    },
    message: (line) => io.err(line),
    close() {},
  };
}

/**
 * A fan-out against a provider that rate-limits sends a retry notice per agent and attempt; a log
 * of plain lines shows a provider's 1st, 2nd, 4th, 8th, … notice with its count, so it grows with
 * the logarithm of the retries while still saying how bad it is. The events keep every one.
 */
function retryThinner() {
  const counts = new Map<string, number>();
  let last: { message: string; provider: string; count: number } | undefined;
  return {
    show(message: string): boolean {
      const provider = retryNoticeProvider(message);
      if (provider === undefined) return true;
      const count = (counts.get(provider) ?? 0) + 1;
      counts.set(provider, count);
      last = { message, provider, count };
      return (count & (count - 1)) === 0; // a power of two
    },
    annotate(event: RunEvent, line: string): string {
      if (event.type !== 'warning' || last?.message !== event.message || last.count === 1) return line;
      return `${line} [retry notice ${last.count} from ${last.provider}; only the 1st, 2nd, 4th, 8th, … are printed]`;
    },
  };
}
