/**
 * `wf logs <run> [--follow]`: a run's progress as plain lines, read from its `events.jsonl`, for
 * any run, in the background or not. `--follow` keeps printing as the run goes and returns when
 * it ends; `--json` prints the events themselves (docs/events.md).
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { resolveRun } from '../../runs/run-lookup.js';
import { readEvents } from '../../runs/watch.js';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';
import { progressLine } from '../render/progress.js';

export function logsCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('logs')
    .description("print a run's progress (its events as lines); --follow keeps printing until it ends")
    .argument('<run>', 'a run id, a unique prefix of one, or `last`')
    .option('-f, --follow', 'keep printing new events until the run ends')
    .option('--json', 'print the events as JSON lines (docs/events.md) instead of text')
    .addHelpText('after', '\nExamples:\n  wf logs last\n  wf logs wf_mabc123 --follow\n  wf logs last --json | jq -c \'select(.type == "agent-end")\'')
    .action(async (reference: string, flags: { follow?: boolean; json?: boolean }) => {
      const run = await resolveRun(runsDirFor(defaultDiscoveryOptions().cwd), reference);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      try {
        const ended = await readEvents(
          run,
          (event) => {
            if (flags.json) return io.out(JSON.stringify(event));
            const line = progressLine(event);
            if (line !== null) io.out(`${clockTime(event.time)} ${line}`);
          },
          { follow: Boolean(flags.follow), signal: controller.signal },
        );
        if (ended === 'interrupted') {
          io.err(`wf: run ${run.runId} was interrupted: its process ended without finishing the run; resume it with \`wf resume ${run.runId}\``);
          setExitCode(EXIT.failed);
        }
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
}

/** HH:MM:SS in local time, as a person reading a log next to their clock expects. */
function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}
