/**
 * `wf resume <runId>`: runs a stopped, failed or killed run again with its stored script and args
 * (or `--script`/`--args`), reusing its completed steps (spec C4). `--mode content` (default)
 * reuses any completed step whose key matches; `--mode prefix` is Claude Code's rule; `--from`
 * forces a step and every step started after it live.
 */
import { Command, Option } from 'commander';
import { parseStepSelector } from '../../cache/selector.js';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { prepareResume } from '../../engine/resume.js';
import { checkArgs, loadWorkflowFile, prewarmSandbox, workflowLoader } from '../../index.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { resolveRun } from '../../runs/run-lookup.js';
import type { Output } from '../output.js';
import { resolveArgs } from '../run-arguments.js';
import { addRunOptions, runSession, type RunFlags } from '../run-session.js';

interface ResumeFlags extends RunFlags {
  mode: 'content' | 'prefix';
  from?: string;
  script?: string;
}

export function resumeCommand(io: Output, setExitCode: (code: number) => void, argv: string[] = []): Command {
  const command = new Command('resume')
    .description('run a stopped, failed or killed run again, reusing its completed agent steps')
    .argument('<run>', 'the run to resume: its id, a unique prefix of it, or `last` (see `wf runs`)')
    .argument('[args...]', 'new args as for `wf run` (default: the run\'s stored args)')
    .addOption(new Option('--mode <mode>', 'content: reuse every completed step whose key matches; prefix: only the unchanged prefix in start order (Claude Code\'s rule)').choices(['content', 'prefix']).default('content'))
    .option('--from <selector>', 'run this step and every step started after it live: a label (glob), a call index, or phase:<name>')
    .option('--script <file>', 'run this script instead of the stored copy');
  return addRunOptions(command)
    .allowUnknownOption(true)
    .addHelpText(
      'after',
      `
Examples:
  wf resume wf_mabc123-x7k2pq --mock rules.json
  wf resume wf_mabc123-x7k2pq --mode prefix
  wf resume wf_mabc123-x7k2pq --from phase:Verify --script ./edited.js`,
    )
    .action(async (reference: string, rest: string[], flags: ResumeFlags) => {
      if (!flags.detach) prewarmSandbox(); // boots while the stored run is read and checked
      const discovery = defaultDiscoveryOptions();
      const workflow = flags.script ? await loadWorkflowFile(flags.script) : undefined;
      const newArgs = flags.args !== undefined || flags.argsFile !== undefined || rest.length > 0;
      const runsDir = runsDirFor(discovery.cwd);
      const { runId } = await resolveRun(runsDir, reference, 'nothing to resume');
      const prepared = await prepareResume({
        runsDir,
        runId,
        mode: flags.mode,
        ...(flags.from === undefined ? {} : { from: parseStepSelector(flags.from, { allowIndex: true }) }),
        ...(workflow ? { workflow } : {}),
      });
      const args = newArgs ? await resolveArgs({ argsJson: flags.args, argsFile: flags.argsFile, rest }, prepared.workflow.meta) : prepared.args;
      if (newArgs) checkArgs(prepared.workflow.meta, args);
      if (!flags.quiet) {
        const changed = [...prepared.changes, ...(newArgs && JSON.stringify(args) !== JSON.stringify(prepared.stored.args) ? ['the args'] : [])];
        io.err(`wf: resuming ${runId} in ${flags.mode} mode${changed.length ? ` with new ${changed.join(' and ')}` : ''}`);
      }
      setExitCode(
        await runSession(io, {
          workflow: prepared.workflow,
          args,
          flags,
          discovery,
          resume: prepared.resume,
          loadWorkflow: prepared.childLoader(workflowLoader(discovery)),
          argv,
        }),
      );
    });
}
