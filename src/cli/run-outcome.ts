/**
 * How a finished run is reported: what `wf run` prints when its run ends and what `wf result`
 * prints for a run that ended earlier, so both read the same. A completed run's result goes to
 * stdout (its markdown `report` to a person at a terminal, JSON to a pipe); a stopped or failed
 * run says so on stderr with how to resume it.
 */
import type { ErrorData } from '../errors.js';
import { formatLocation } from '../errors.js';
import { reportOf } from '../runs/run-dir.js';
import type { Output } from './output.js';

/** The parts of a run summary (or of `run.json`) that the report needs. */
export interface RunOutcome {
  runId: string;
  status: string;
  result?: unknown;
  error?: ErrorData | null;
  agentCount?: number;
}

export interface OutcomeFormat {
  /** The whole summary as JSON on stdout. */
  json: boolean;
  /** The markdown report even when stdout is not a terminal. */
  report: boolean;
}

export function printRunOutcome(io: Output, outcome: RunOutcome, format: OutcomeFormat): void {
  if (format.json) {
    io.out(JSON.stringify(outcome, null, 2));
    return;
  }
  if (outcome.status === 'completed') {
    // A result with a markdown `report` (the catalog's convention) shows the report to a person at
    // a terminal and the JSON to a pipe; both are in the run directory (report.md, result.json).
    const markdown = reportOf(outcome.result);
    if (markdown !== undefined && (io.outIsTty || format.report)) io.out(markdown);
    else io.out(typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result ?? null, null, 2));
    return;
  }
  if (outcome.status === 'stopped') {
    io.err(`wf: run stopped; completed agent steps are kept: resume it with \`wf resume ${outcome.runId}\``);
    return;
  }
  const error = outcome.error;
  if (!error) return;
  const where = error.location ? `${formatLocation(error.location)}: ` : '';
  io.err(`wf: run failed: ${where}${error.name}: ${error.message}`);
  if (error.hint) io.err(`wf: hint: ${error.hint}`);
  if ((outcome.agentCount ?? 0) > 0) io.err(`wf: completed agent steps are kept: resume with \`wf resume ${outcome.runId}\``);
}
