/**
 * `wf explain <name|file|runId> [args...]` (spec C5): which agent calls a run would reuse and which
 * it would run live, and why, without calling any model or writing anything. With a run id it
 * explains `wf resume <runId>`; with a name or file, `wf run`.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { parseStepSelector } from '../../cache/selector.js';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { explainRun, type ExplainedCall, type ExplainReport } from '../../engine/explain.js';
import { readAgentRecords } from '../../runs/agent-records.js';
import { prepareResume } from '../../engine/resume.js';
import { checkArgs, loadWorkflow, projectCacheStore, workflowLoader } from '../../index.js';
import { projectDir, runsDirFor } from '../../runs/project-dir.js';
import { RUN_ID_PATTERN } from '../../runs/run-id.js';
import type { Output } from '../output.js';
import { cachedFrom } from '../render/progress.js';
import { resolveArgs } from '../run-arguments.js';
import { chooseDispatcher } from '../run-session.js';

interface ExplainFlags {
  args?: string;
  argsFile?: string;
  model?: string;
  mock?: string;
  refresh?: string[];
  mode: 'content' | 'prefix';
  json?: boolean;
}

export function explainCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('explain')
    .description('show which agent calls would be reused from the cache and why the others would run live; calls no model')
    .argument('<target>', 'a workflow name, a path, or a run id (explains `wf resume <runId>`)')
    .argument('[args...]', 'args as for `wf run` (default for a run id: its stored args)')
    .option('--args <json>', 'the workflow args as JSON')
    .option('--args-file <file>', 'read the workflow args as JSON from a file')
    .option('--model <provider/model>', 'the model of agents that name none')
    .option('--mock <file>', 'key calls as a run with this mock rules file would')
    .option('--refresh <selector>', 'as for `wf run`: treat matching calls as forced live (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('--mode <mode>', 'for a run id: the resume mode to explain').choices(['content', 'prefix']).default('content'))
    .option('--json', 'print the report as JSON')
    .allowUnknownOption(true)
    .action(async (target: string, rest: string[], flags: ExplainFlags) => {
      const discovery = defaultDiscoveryOptions();
      const { dispatcher, model } = await chooseDispatcher(io, flags, true, discovery.cwd);
      const refresh = (flags.refresh ?? []).map((text) => parseStepSelector(text));
      const newArgs = flags.args !== undefined || flags.argsFile !== undefined || rest.length > 0;
      const common = {
        dispatcher,
        ...(model === undefined ? {} : { model }),
        store: projectCacheStore(discovery.cwd),
        projectRoot: projectDir(discovery.cwd),
        refresh,
      };
      let report: ExplainReport;
      if (RUN_ID_PATTERN.test(target)) {
        const prepared = await prepareResume({ runsDir: runsDirFor(discovery.cwd), runId: target, mode: flags.mode });
        const args = newArgs ? await resolveArgs({ argsJson: flags.args, argsFile: flags.argsFile, rest }, prepared.workflow.meta) : prepared.args;
        report = await explainRun({
          ...common,
          workflow: prepared.workflow,
          args,
          resume: prepared.resume,
          resumedRecords: await readAgentRecords(prepared.stored.dir),
          loadWorkflow: prepared.childLoader(workflowLoader(discovery)),
        });
      } else {
        const workflow = await loadWorkflow(target, discovery);
        const args = await resolveArgs({ argsJson: flags.args, argsFile: flags.argsFile, rest }, workflow.meta);
        checkArgs(workflow.meta, args);
        report = await explainRun({ ...common, workflow, args, loadWorkflow: workflowLoader(discovery) });
      }
      io.out(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
      setExitCode(0);
    });
}

export function formatReport(report: ExplainReport): string {
  const lines = [`${report.workflow}: ${report.calls.length} agent call${report.calls.length === 1 ? '' : 's'}`];
  const width = Math.min(40, Math.max(8, ...report.calls.map((call) => `#${call.index} ${call.label}`.length)));
  for (const call of report.calls) {
    const name = `#${call.index} ${call.label}`.padEnd(width);
    lines.push(`  ${call.outcome === 'hit' ? 'hit ' : 'live'}  ${name}  ${describeCall(call)}`);
  }
  const { input, output, outputUnknown } = report.estimatedTokens;
  const outputText = outputUnknown === report.live ? 'output unknown' : `~${output} output${outputUnknown ? ` (+ ${outputUnknown} call${outputUnknown === 1 ? '' : 's'} unknown)` : ''}`;
  lines.push(
    report.live === 0
      ? `all ${report.hits} calls would be reused: a real run makes no model calls`
      : `${report.live} of ${report.calls.length} calls would run live: ~${input} input tokens, ${outputText} (estimated)`,
  );
  if (report.status === 'failed' && report.error) {
    lines.push(`note: the script failed on a live call's placeholder answer (${report.error}); calls after it are not shown`);
  }
  return lines.join('\n');
}

function describeCall(call: ExplainedCall): string {
  if (call.outcome === 'hit') return cachedFrom(call.from);
  switch (call.reason) {
    case 'depends':
      return `its prompt uses the result of live call${call.dependsOn!.length === 1 ? '' : 's'} ${call.dependsOn!.map((index) => `#${index}`).join(', ')}`;
    case 'refused':
      return 'agent() would throw before running (see the error when run)';
    case 'no-cache':
      return '--no-cache';
    case 'opted-out':
      return 'cache: false';
    case 'refresh':
      return 'matches --refresh';
    case 'from':
      return 'at or after --from';
    case 'expired':
      return 'its cached result is older than its ttl';
    case 'corrupt':
      return 'its cache entry is damaged';
    case 'prefix':
      if (call.differences?.length) return `prefix mode: ${describeDifferences(call)}`;
      return 'prefix mode: an earlier call changed, failed or did not finish';
    default:
      if (!call.closest) return 'new call: nothing cached is like it';
      if (!call.differences?.length) return `not in the cache (was like run ${call.closest.runId} #${call.closest.index}, whose entry is gone)`;
      return describeDifferences(call);
  }
}

function describeDifferences(call: Extract<ExplainedCall, { outcome: 'live' }>): string {
  const closest = call.closest!;
  const fields = call.differences!.map((difference) => `${difference.field} ${difference.detail}`).join('; ');
  return `changed since run ${closest.runId} #${closest.index} "${closest.label}": ${fields}`;
}
