/**
 * `wf stop <run>`: stop a run from anywhere, exactly as Ctrl-C in its terminal would (X1): no new
 * agent starts, running ones are cancelled, the run ends `stopped` within its grace and can be
 * resumed. Waits until the run has recorded its end, so the next command sees it stopped.
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { WfUsageError } from '../../errors.js';
import { DEFAULT_STOP_GRACE_MS } from '../../engine/limits.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { resolveRun } from '../../runs/run-lookup.js';
import { requestStop, waitForRun } from '../../runs/watch.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';

/** The run's own grace, twice (dispose, then kill) and some slack for writing its records. */
const STOP_WAIT_MS = DEFAULT_STOP_GRACE_MS * 2 + 5000;

export function stopCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('stop')
    .description('stop a running run (as Ctrl-C would); its completed steps are kept for wf resume')
    .argument('<run>', 'a run id, a unique prefix of one, or `last`')
    .addHelpText('after', '\nExamples:\n  wf stop last\n  wf stop wf_mabc123 && wf resume wf_mabc123')
    .action(async (reference: string) => {
      const runsDir = runsDirFor(defaultDiscoveryOptions().cwd);
      const run = await resolveRun(runsDir, reference);
      const request = requestStop(run);
      if (request.kind === 'not-running') {
        io.err(`wf: run ${run.runId} is not running (${run.state}); nothing to stop`);
        return;
      }
      if (request.kind === 'elsewhere') {
        throw new WfUsageError(`run ${run.runId} runs on ${request.host} (process ${request.pid}); it can only be stopped there`);
      }
      io.err(`wf: stopping run ${run.runId} (process ${request.pid})…`);
      const ended = await waitForRun(runsDir, run.runId, { timeoutMs: STOP_WAIT_MS, pollMs: 100 });
      if (ended.state === 'running') {
        io.err(`wf: run ${run.runId} has not ended ${STOP_WAIT_MS / 1000}s after the stop; its process ${request.pid} may be stuck`);
        setExitCode(EXIT.failed);
        return;
      }
      io.err(`wf: run ${run.runId} ${ended.state}; resume it with \`wf resume ${run.runId}\``);
    });
}
