/**
 * Exit codes (spec R2), mapped here and nowhere else; only bin/wf.js calls process.exit.
 *   0 completed · 1 failed · 2 usage or validation error · 130 stopped by SIGINT
 */
import { WfError } from '../errors.js';
import type { RunStatus } from '../engine/run-summary.js';

export const EXIT = { completed: 0, failed: 1, usage: 2, stopped: 130 } as const;

export function exitCodeForStatus(status: RunStatus): number {
  switch (status) {
    case 'completed':
      return EXIT.completed;
    case 'stopped':
      return EXIT.stopped;
    default:
      return EXIT.failed;
  }
}

/** Usage and validation errors exit 2; any other error is a failure (1). */
export function exitCodeForError(error: unknown): number {
  if (WfError.isInstance(error) && ['WF_USAGE', 'WF_VALIDATION', 'WF_SCHEMA', 'WF_UNKNOWN_RUN', 'WF_AMBIGUOUS_RUN', 'WF_NO_RUNS', 'WF_NOTHING_TO_RESUME', 'WF_RUN_IN_PROGRESS', 'WF_CONFIG', 'WF_NO_MODEL', 'WF_UNKNOWN_MODEL'].includes(error.code)) return EXIT.usage;
  return EXIT.failed;
}
