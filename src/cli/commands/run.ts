/**
 * `wf run <name|file> [args...]`: resolve, compile, check args, run, report. Parse → call the
 * library → render; the exit code comes from the run's status (cli/exit-codes.ts).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDiscoveryOptions } from '../../discovery/index.js';
import { loadMockFile } from '../../dispatch/mock-file.js';
import { createSimulator } from '../../dispatch/simulate.js';
import type { Dispatcher } from '../../dispatch/dispatcher.js';
import { parseDuration } from '../../engine/duration.js';
import { resolveConcurrency, MAX_CONCURRENCY } from '../../engine/limits.js';
import { runWorkflow } from '../../engine/run.js';
import type { RunSummary } from '../../engine/run-summary.js';
import { formatLocation, WfUsageError } from '../../errors.js';
import { checkArgs, loadWorkflow, workflowLoader } from '../../index.js';
import { runsDirFor } from '../../runs/project-dir.js';
import { ScriptedDispatcher } from '../../testing/scripted-dispatcher.js';
import { exitCodeForStatus } from '../exit-codes.js';
import type { Output } from '../output.js';
import { progressLine } from '../render/progress.js';
import { resolveArgs } from '../run-arguments.js';

interface RunFlags {
  args?: string;
  argsFile?: string;
  concurrency?: number;
  budget?: number;
  timeout?: number;
  cpuLimit?: number;
  memoryLimit?: number;
  maxAgents?: number;
  json?: boolean;
  mock?: string;
  dryRun?: boolean;
  quiet?: boolean;
}

const integer = (name: string, min: number, max: number) => (value: string) => {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || number < min || number > max) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
};

const duration = (value: string) => {
  const parsed = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.ms;
};

export function runCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('run')
    .description('run a workflow by name or path')
    .argument('<workflow>', 'a workflow name (see `wf list`) or a path to a .js/.ts file')
    .argument('[args...]', 'a text that becomes the string args, or --key value flags declared in meta.args')
    .option('--args <json>', 'the workflow args as JSON')
    .option('--args-file <file>', 'read the workflow args as JSON from a file')
    .option('--concurrency <n>', `agents running at once, 1..${MAX_CONCURRENCY}; default min(16, cpus − 2) or $WF_MAX_CONCURRENT_AGENTS`, integer('--concurrency', 1, MAX_CONCURRENCY))
    .option('--budget <tokens>', 'token budget (output + reasoning); agent() throws once it is spent', integer('--budget', 0, Number.MAX_SAFE_INTEGER))
    .option('--timeout <duration>', 'wall-clock limit of the run, e.g. 30s, 10m; default none', duration)
    .option('--cpu-limit <duration>', 'CPU time the script itself may use; default 10s', duration)
    .option('--memory-limit <mb>', 'heap limit of the sandbox in MB; default 128', integer('--memory-limit', 8, 8192))
    .option('--max-agents <n>', 'most agents one run may start; default 1000', integer('--max-agents', 1, 1_000_000))
    .option('--json', 'print the final run summary as one JSON object on stdout')
    .option('-q, --quiet', 'no progress lines on stderr')
    .addOption(new Option('--mock <file>', 'answer agents from a mock rules file instead of a model').conflicts('dryRun'))
    .option('--dry-run', 'answer every agent with a placeholder (schema agents get a minimal valid object); no model is called')
    .allowUnknownOption(true)
    .addHelpText(
      'after',
      `
Examples:
  wf run hello --dry-run
  wf run deep-research "what changed in Node 24?"
  wf run ./review.ts --args '{"files":["src/a.ts"]}' --mock rules.json --json`,
    )
    .action(async (target: string, rest: string[], flags: RunFlags) => {
      setExitCode(await runAction(io, target, rest, flags));
    });
}

async function runAction(io: Output, target: string, rest: string[], flags: RunFlags): Promise<number> {
  const discovery = defaultDiscoveryOptions();
  const workflow = await loadWorkflow(target, discovery);
  const args = await resolveArgs({ argsJson: flags.args, argsFile: flags.argsFile, rest }, workflow.meta);
  checkArgs(workflow.meta, args);
  const dispatcher = await chooseDispatcher(io, flags);

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: the user insists
    io.err(`wf: ${signal} received: stopping the run (press Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let summary: RunSummary;
  try {
    summary = await runWorkflow({
      workflow,
      args,
      dispatcher,
      runsDir: runsDirFor(discovery.cwd),
      loadWorkflow: workflowLoader(discovery),
      concurrency: flags.concurrency ?? resolveConcurrency(process.env.WF_MAX_CONCURRENT_AGENTS),
      budget: flags.budget ?? null,
      timeoutMs: flags.timeout ?? null,
      ...(flags.cpuLimit === undefined ? {} : { cpuLimitMs: flags.cpuLimit }),
      ...(flags.memoryLimit === undefined ? {} : { heapLimitMb: flags.memoryLimit }),
      ...(flags.maxAgents === undefined ? {} : { maxAgents: flags.maxAgents }),
      signal: controller.signal,
      onEvent: (event) => {
        if (flags.quiet && event.type !== 'warning') return;
        const line = progressLine(event);
        if (line !== null) io.err(line);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  report(io, summary, Boolean(flags.json));
  return exitCodeForStatus(summary.status);
}

async function chooseDispatcher(io: Output, flags: RunFlags): Promise<Dispatcher> {
  if (flags.dryRun) {
    io.err('wf: dry run: no model is called; every agent gets a placeholder answer from the simulator');
    return createSimulator();
  }
  if (flags.mock) return new ScriptedDispatcher({ rules: await loadMockFile(flags.mock) });
  throw new WfUsageError('no model is configured, and this version of wf cannot call models yet', {
    hint: 'preview the workflow with --dry-run, or answer its agents from a rules file with --mock rules.json (docs/authoring.md)',
  });
}

function report(io: Output, summary: RunSummary, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(summary, null, 2));
    return;
  }
  if (summary.status === 'completed') {
    io.out(typeof summary.result === 'string' ? summary.result : JSON.stringify(summary.result, null, 2));
    return;
  }
  if (summary.status === 'stopped') {
    io.err(`wf: run stopped; completed agent steps are kept in ${summary.runDir}`);
    return;
  }
  const error = summary.error;
  if (!error) return;
  const where = error.location ? `${formatLocation(error.location)}: ` : '';
  io.err(`wf: run failed: ${where}${error.name}: ${error.message}`);
  if (error.hint) io.err(`wf: hint: ${error.hint}`);
}
