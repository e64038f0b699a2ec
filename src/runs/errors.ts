/**
 * Errors about stored runs (spec C4): an id that names no run, a run with nothing to reuse, a run
 * that is still going. All are the user's to fix, so they exit 2 like other usage errors.
 */
import { WfError } from '../errors.js';

export class UnknownRunError extends WfError {
  /** `consequence` finishes the sentence for the command that asked, e.g. "nothing to resume". */
  constructor(runId: string, runsDir: string, consequence?: string) {
    super('WF_UNKNOWN_RUN', `no run "${runId}" in ${runsDir}${consequence ? `: ${consequence}` : ''}`, {
      hint: 'list the runs of this project with `wf runs`; a run is named by its id (wf_mabc123-x7k2pq), a unique prefix of it, or `last`',
    });
    this.name = 'UnknownRunError';
  }
}

export class AmbiguousRunError extends WfError {
  constructor(reference: string, matches: string[]) {
    const shown = matches.slice(0, 5).join(', ');
    super('WF_AMBIGUOUS_RUN', `"${reference}" matches ${matches.length} runs (${shown}${matches.length > 5 ? ', …' : ''})`, {
      hint: 'give more of the run id',
    });
    this.name = 'AmbiguousRunError';
  }
}

export class NoRunsError extends WfError {
  constructor(runsDir: string) {
    super('WF_NO_RUNS', `no runs in ${runsDir} yet`, { hint: 'start one with `wf run <workflow>`' });
    this.name = 'NoRunsError';
  }
}

export class NothingToResumeError extends WfError {
  constructor(runId: string) {
    super('WF_NOTHING_TO_RESUME', `run ${runId} has no completed agent steps: nothing to resume`, {
      hint: 'start it again with `wf run` instead',
    });
    this.name = 'NothingToResumeError';
  }
}

export class RunInProgressError extends WfError {
  constructor(runId: string, pid: number) {
    super('WF_RUN_IN_PROGRESS', `run ${runId} is still running (process ${pid}); it cannot be resumed until it has ended`, {
      hint: `stop it first (\`wf stop ${runId}\`, or Ctrl-C in its terminal) and resume once it has settled`,
    });
    this.name = 'RunInProgressError';
  }
}
