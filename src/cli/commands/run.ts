/**
 * `wf run <name|file> [args...]`: resolve, compile, check args, run, report. Completed steps of
 * earlier runs of the project are reused by default (C3; `--no-cache`, `--refresh`). The exit code
 * comes from the run's status (cli/exit-codes.ts).
 */
import { Command } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { checkArgs, loadWorkflow, prewarmSandbox } from '../../index.js';
import type { Output } from '../output.js';
import { resolveArgs } from '../run-arguments.js';
import { addRunOptions, runSession, type RunFlags } from '../run-session.js';

/** `argv` is the whole command line, which `--detach` starts again in the background. */
export function runCommand(io: Output, setExitCode: (code: number) => void, argv: string[] = []): Command {
  const command = new Command('run')
    .description('run a workflow by name or path')
    .argument('<workflow>', 'a workflow name (see `wf list`) or a path to a .js/.ts file')
    .argument('[args...]', 'a text that becomes the string args, or --key value flags declared in meta.args');
  return addRunOptions(command)
    .allowUnknownOption(true)
    .addHelpText(
      'after',
      `
Examples:
  wf run hello --dry-run
  wf run deep-research "what changed in Node 24?"
  wf run ./review.ts --args '{"files":["src/a.ts"]}' --mock rules.json --json
  wf run ./review.ts --refresh 'summary*' --mock rules.json
  wf run deep-research "question" --detach        # prints the run id; see wf logs/status/wait/result/stop`,
    )
    .action(async (target: string, rest: string[], flags: RunFlags) => {
      // The sandbox process boots while the workflow is found, compiled and checked.
      if (!flags.detach) prewarmSandbox();
      const discovery = defaultDiscoveryOptions();
      const workflow = await loadWorkflow(target, discovery);
      const args = await resolveArgs({ argsJson: flags.args, argsFile: flags.argsFile, rest }, workflow.meta);
      checkArgs(workflow.meta, args);
      setExitCode(await runSession(io, { workflow, args, flags, discovery, argv }));
    });
}
