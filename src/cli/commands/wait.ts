/**
 * `wf wait <run>`: block until a run ends, then exit with the code the run itself would have
 * (0 completed, 1 failed, 130 stopped), so `wf run … --detach` composes in scripts:
 * `id=$(wf run x --detach) && wf wait "$id" && wf result "$id"`.
 */
import { Command, InvalidArgumentError } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { parseDuration } from '../../engine/duration.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { resolveRun, type RunRef } from '../../runs/run-lookup.js';
import { waitForRun } from '../../runs/watch.js';
import { EXIT, exitCodeForStatus } from '../exit-codes.js';
import type { Output } from '../output.js';
import { formatDuration } from '../render/format.js';

/** `wf wait --timeout` ran out: the run is still going. Like timeout(1). */
export const EXIT_WAIT_TIMEOUT = 124;

const duration = (value: string) => {
  const parsed = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.ms;
};

export function waitCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('wait')
    .description("wait for a run to end; exit with the run's own exit code")
    .argument('<run>', 'a run id, a unique prefix of one, or `last`')
    .option('--timeout <duration>', `give up after this long (exit ${EXIT_WAIT_TIMEOUT}), e.g. 10m; default wait for ever`, duration)
    .option('--json', 'print the run record (run.json) as JSON once the run has ended')
    .addHelpText('after', '\nExamples:\n  wf wait last\n  id=$(wf run review-code --detach) && wf wait "$id" && wf result "$id"')
    .action(async (reference: string, flags: { timeout?: number; json?: boolean }) => {
      const runsDir = runsDirFor(defaultDiscoveryOptions().cwd);
      const found = await resolveRun(runsDir, reference);
      const run = await waitForRun(runsDir, found.runId, flags.timeout === undefined ? {} : { timeoutMs: flags.timeout });
      if (flags.json) io.out(JSON.stringify({ ...run.record, state: run.state }, null, 2));
      setExitCode(reportEnd(io, run));
    });
}

/** One line on stderr saying how the run ended; returns the exit code that says the same. */
function reportEnd(io: Output, run: RunRef): number {
  const { record } = run;
  const took = record.durationMs === undefined ? '' : ` in ${formatDuration(record.durationMs)}`;
  switch (run.state) {
    case 'running':
      io.err(`wf: run ${run.runId} is still running (gave up waiting)`);
      return EXIT_WAIT_TIMEOUT;
    case 'interrupted':
      io.err(`wf: run ${run.runId} was interrupted: its process ${record.pid ?? ''} ended without finishing the run`);
      io.err(`wf: hint: completed agent steps are kept; resume it with \`wf resume ${run.runId}\``);
      return EXIT.failed;
    default:
      io.err(`wf: run ${run.runId} ${run.state}${took}`);
      return exitCodeForStatus(run.state);
  }
}
