/**
 * `wf result <run>`: what `wf run` would have printed at the end of that run: the result of a
 * completed run (its markdown report at a terminal or with --report, JSON otherwise, the whole
 * record with --json), or why it did not complete, with the run's exit code.
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { WfUsageError } from '../../errors.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { resolveRun } from '../../runs/run-lookup.js';
import { EXIT, exitCodeForStatus } from '../exit-codes.js';
import type { Output } from '../output.js';
import { printRunOutcome } from '../run-outcome.js';

export function resultCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('result')
    .description('print the result of a run that has ended')
    .argument('<run>', 'a run id, a unique prefix of one, or `last`')
    .option('--json', 'print the whole run record (run.json) as JSON')
    .option('--report', "print the result's markdown report even when stdout is not a terminal")
    .addHelpText('after', '\nExamples:\n  wf result last\n  wf result wf_mabc123 --json | jq .costUsd')
    .action(async (reference: string, flags: { json?: boolean; report?: boolean }) => {
      const run = await resolveRun(runsDirFor(defaultDiscoveryOptions().cwd), reference);
      if (run.state === 'running') {
        throw new WfUsageError(`run ${run.runId} is still running: it has no result yet`, { hint: `wait for it with \`wf wait ${run.runId}\`, or watch it with \`wf logs ${run.runId} --follow\`` });
      }
      if (run.state === 'interrupted') {
        io.err(`wf: run ${run.runId} was interrupted before it ended: it has no result`);
        io.err(`wf: hint: completed agent steps are kept; resume it with \`wf resume ${run.runId}\``);
        setExitCode(EXIT.failed);
        return;
      }
      printRunOutcome(io, { ...run.record, runId: run.runId, status: run.state }, { json: Boolean(flags.json), report: Boolean(flags.report) });
      setExitCode(exitCodeForStatus(run.state));
    });
}
