/**
 * `wf status <run>`: how a run stands now, as the live progress view would draw it (the same
 * model, replayed from its `events.jsonl`), for a run in the background, in another terminal, or
 * long finished. A run whose process died mid-run shows as interrupted.
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { readRunEvents } from '../../runs/run-events.js';
import { resolveRun, type RunRef } from '../../runs/run-lookup.js';
import type { Output } from '../output.js';
import { initialProgress, reduceProgress, type ProgressState } from '../render/progress-state.js';

/** Room for the running agents of a big fan-out; the view folds the rest into "… and N more". */
const STATUS_LINES = 60;

export function statusCommand(io: Output): Command {
  return new Command('status')
    .description('show how a run stands now: phases, running agents, tokens, cost')
    .argument('[run]', 'a run id, a unique prefix of one, or `last` (the default)', 'last')
    .option('--json', 'print the state as JSON')
    .addHelpText('after', '\nExamples:\n  wf status\n  wf status wf_mabc123 --json')
    .action(async (reference: string, flags: { json?: boolean }) => {
      const run = await resolveRun(runsDirFor(defaultDiscoveryOptions().cwd), reference);
      const progress = await replay(run);
      if (flags.json) {
        io.out(JSON.stringify(statusData(run, progress), null, 2));
        return;
      }
      const now = progress.ended?.at ?? Date.now();
      const [{ default: picocolors }, { renderFrame }] = await Promise.all([import('picocolors'), import('../render/live-frame.js')]);
      const colors = picocolors.createColors(Boolean(io.outIsTty) && !process.env.NO_COLOR);
      const lines = renderFrame(progress, { width: process.stdout.columns || 100, height: STATUS_LINES, now, colors });
      io.out(lines.join('\n'));
      if (run.state === 'interrupted') {
        io.out(`interrupted: process ${run.record.pid ?? '?'} ended without finishing the run; resume it with \`wf resume ${run.runId}\``);
      } else if (run.state === 'running') {
        io.out(`running in process ${run.record.pid ?? '?'}; follow it with \`wf logs ${run.runId} --follow\``);
      }
    });
}

/** The run's events folded into the progress model, each at the time it happened. */
async function replay(run: RunRef): Promise<ProgressState> {
  let state = initialProgress;
  for (const event of await readRunEvents(run.dir)) state = reduceProgress(state, event, Date.parse(event.time));
  return state;
}

function statusData(run: RunRef, progress: ProgressState) {
  const { phases, active, counts, tokens, costUsd, budget, warnings, stopping, ended } = progress;
  return {
    runId: run.runId,
    state: run.state,
    workflow: run.record.workflow ?? progress.workflow,
    pid: run.record.pid ?? null,
    startedAt: run.record.startedAt ?? null,
    counts,
    tokens,
    ...(costUsd === undefined ? {} : { costUsd }),
    budget,
    phases,
    /** Agents queued or running now. */
    active,
    warnings,
    stopping,
    summary: ended?.summary ?? null,
  };
}
