/**
 * Errors about stored runs (spec C4): an id that names no run, a run with nothing to reuse, a run
 * that is still going. All are the user's to fix, so they exit 2 like other usage errors.
 */
import { WfError } from '../errors.js';

export class UnknownRunError extends WfError {
  constructor(runId: string, runsDir: string) {
    super('WF_UNKNOWN_RUN', `no run "${runId}" in ${runsDir}: nothing to resume`, {
      hint: 'list the runs of this project with `ls .boocode/runs`; run ids look like wf_mabc123-x7k2pq',
    });
    this.name = 'UnknownRunError';
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
      hint: `stop it first (Ctrl-C in its terminal, or kill -INT ${pid}) and resume once it has settled`,
    });
    this.name = 'RunInProgressError';
  }
}
