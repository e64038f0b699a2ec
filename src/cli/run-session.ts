/**
 * What `wf run` and `wf resume` share: their flags, the choice of dispatcher, the step cache of
 * the project, signal handling (SIGINT stops the run, X1) and the final report. Each command only
 * decides which script and args run and what the run may reuse.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseStepSelector } from '../cache/selector.js';
import type { CompiledWorkflow } from '../compile/compiled-workflow.js';
import type { DiscoveryOptions } from '../discovery/index.js';
import { loadMockFile } from '../dispatch/mock-file.js';
import { createSimulator } from '../dispatch/simulate.js';
import type { Dispatcher, Usage } from '../dispatch/dispatcher.js';
import { parseDuration } from '../engine/duration.js';
import { MAX_CONCURRENCY, resolveConcurrency } from '../engine/limits.js';
import { runWorkflow, type RunOptions, type WorkflowLoader } from '../engine/run.js';
import type { RunSummary } from '../engine/run-summary.js';
import type { ResumeOptions } from '../engine/step-reuse.js';
import { WfUsageError } from '../errors.js';
import { RUN_ID_PATTERN } from '../runs/run-id.js';
import { configuredModels, projectCacheStore, releaseCompiler, workflowLoader } from '../index.js';
import { projectDir } from '../runs/project-dir.js';
import { RUNS_DIRNAME } from '../runs/run-dir.js';
import { ScriptedDispatcher } from '../testing/scripted-dispatcher.js';
import { exitCodeForStatus } from './exit-codes.js';
import { printRunOutcome } from './run-outcome.js';
import type { Output } from './output.js';
import { createProgressView } from './render/progress-view.js';
import { openEventSink } from './event-sink.js';
import { DETACHED_RUN_ID_FLAG, startDetached } from './detach.js';
import { join } from 'node:path';

export interface RunFlags {
  args?: string;
  argsFile?: string;
  concurrency?: number;
  budget?: number;
  maxCost?: number;
  timeout?: number;
  cpuLimit?: number;
  memoryLimit?: number;
  maxAgents?: number;
  model?: string;
  json?: boolean;
  /** Print the result's markdown report even when stdout is not a terminal. */
  report?: boolean;
  mock?: string;
  dryRun?: boolean;
  quiet?: boolean;
  /** Plain progress lines even on a terminal. */
  plain?: boolean;
  /** Write every run event as JSON lines to this file, or to stdout for `-`. */
  events?: string;
  /** Run in a background process and print its id at once. */
  detach?: boolean;
  /** Set (hidden flag) in the background process of `--detach`: the id its run must have. */
  detachedRunId?: string;
  /** commander's `--no-cache`: false when given. */
  cache?: boolean;
  refresh?: string[];
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

const usd = (value: string) => {
  const number = Number(value.replace(/^\$/, ''));
  if (!/^\s*\$?\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(number)) throw new InvalidArgumentError(`--max-cost must be an amount in USD such as 2 or 0.50, got "${value}"`);
  return number;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags every command that runs a workflow takes. */
export function addRunOptions(command: Command): Command {
  return command
    .option('--args <json>', 'the workflow args as JSON')
    .option('--args-file <file>', 'read the workflow args as JSON from a file')
    .option('--model <provider/model>', 'the model of agents that name none')
    .option('--concurrency <n>', `agents running at once, 1..${MAX_CONCURRENCY}; default min(16, cpus − 2) or $WF_MAX_CONCURRENT_AGENTS`, integer('--concurrency', 1, MAX_CONCURRENCY))
    .option('--budget <tokens>', 'token budget (output + reasoning); agent() throws once it is spent', integer('--budget', 0, Number.MAX_SAFE_INTEGER))
    .option('--max-cost <usd>', 'cost ceiling in USD (from the price table); agent() throws once it is spent', usd)
    .option('--timeout <duration>', 'wall-clock limit of the run, e.g. 30s, 10m; default none', duration)
    .option('--cpu-limit <duration>', 'CPU time the script itself may use; default 10s', duration)
    .option('--memory-limit <mb>', 'heap limit of the sandbox in MB; default 128', integer('--memory-limit', 8, 8192))
    .option('--max-agents <n>', 'most agents one run may start; default 1000', integer('--max-agents', 1, 1_000_000))
    .option('--no-cache', 'run every agent live instead of reusing completed steps (results are still stored)')
    .option('--refresh <selector>', 'run matching agents live: a label glob, phase:<name> or key:<prefix> (repeatable)', collect)
    .option('--json', 'print the final run summary as one JSON object on stdout')
    .option('--report', "print the result's markdown report even when stdout is not a terminal")
    .option('-q, --quiet', 'no progress on stderr (warnings still show); only the result is printed')
    .option('--plain', 'plain progress lines instead of the live view, even on a terminal')
    .option('--events <file|->', 'write every run event as one JSON object per line to a file, or to stdout with - (docs/events.md)')
    .addOption(new Option('--detach', 'run in the background: print the run id at once; see wf status, logs, wait, result, stop').conflicts(['events']))
    .addOption(new Option(`${DETACHED_RUN_ID_FLAG} <id>`).hideHelp())
    .addOption(new Option('--mock <file>', 'answer agents from a mock rules file instead of a model').conflicts('dryRun'))
    .option('--dry-run', 'answer every agent with a placeholder (schema agents get a minimal valid object); no model is called, no cache is used');
}

/** What answers a run's agents, and what the run records about it. */
export interface DispatchSetup {
  dispatcher: Dispatcher;
  /** The run's default model (`provider/model`), part of every step key that names none. */
  model?: string;
  costOf?: (model: string, usage: Usage) => number | undefined;
}

/**
 * The dispatcher the flags ask for: the simulator (`--dry-run`), the mock (`--mock`), or real
 * models chosen by `--model` > WF_MODEL > config > auto-detection (docs/models.md).
 */
export async function chooseDispatcher(io: Output, flags: Pick<RunFlags, 'dryRun' | 'mock' | 'model'>, quiet = false, cwd = process.cwd()): Promise<DispatchSetup> {
  const fake = (dispatcher: Dispatcher): DispatchSetup => ({ dispatcher, ...(flags.model === undefined ? {} : { model: flags.model }) });
  if (flags.dryRun) {
    if (!quiet) io.err('wf: dry run: no model is called; every agent gets a placeholder answer from the simulator');
    return fake(createSimulator());
  }
  if (flags.mock) return fake(new ScriptedDispatcher(await loadMockFile(flags.mock)));
  const setup = await configuredModels({ cwd, ...(flags.model === undefined ? {} : { model: flags.model }) });
  if (!quiet) io.err(`wf: model ${setup.model} (${setup.source})`);
  return setup;
}

export interface SessionRequest {
  workflow: CompiledWorkflow;
  args: unknown;
  flags: RunFlags;
  discovery: DiscoveryOptions;
  resume?: ResumeOptions;
  /** Replaces the default child-workflow loader (resume maps the stored script back to its home). */
  loadWorkflow?: WorkflowLoader;
  /** The command line as given; `--detach` starts it again in the background. */
  argv: string[];
}

/** Runs to the end with progress on stderr; returns the exit code (R2). */
export async function runSession(io: Output, request: SessionRequest): Promise<number> {
  const { flags, discovery } = request;
  const root = projectDir(discovery.cwd);
  if (flags.detach) {
    // Everything that can be checked here is (script, args, flags, model), so a mistake is
    // reported to the person who typed it, not written to a log nobody reads.
    await chooseDispatcher(io, flags, true, discovery.cwd);
    return startDetached(io, { argv: request.argv, runsDir: join(root, RUNS_DIRNAME), cwd: process.cwd(), json: Boolean(flags.json) });
  }
  if (flags.detachedRunId !== undefined) {
    if (!RUN_ID_PATTERN.test(flags.detachedRunId)) throw new WfUsageError(`${DETACHED_RUN_ID_FLAG} must be a run id, got "${flags.detachedRunId}"`);
    process.on('SIGHUP', () => undefined); // belt and braces: no terminal owns this process
  }
  const { dispatcher, model, costOf } = await chooseDispatcher(io, flags, Boolean(flags.quiet), discovery.cwd);
  const refresh = (flags.refresh ?? []).map((text) => parseStepSelector(text));
  const events = flags.events === undefined ? undefined : await openEventSink(flags.events, io);
  // Events on a terminal's stdout would land inside a live frame drawn on the same screen.
  const plain = Boolean(flags.plain) || (events?.toStdout === true && Boolean(io.outIsTty));
  const view = await createProgressView(io, { quiet: Boolean(flags.quiet), plain });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      view.close();
      process.exit(130); // a second Ctrl-C: the user insists
    }
    view.message(`wf: ${signal} received: stopping the run (press Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const options: RunOptions = {
    workflow: request.workflow,
    args: request.args,
    dispatcher,
    ...(model === undefined ? {} : { model }),
    ...(costOf ? { costOf } : {}),
    runsDir: join(root, RUNS_DIRNAME),
    projectRoot: root,
    // A dry run's placeholders must never answer a real run, so it neither reads nor writes the cache.
    cache: flags.dryRun ? {} : { store: projectCacheStore(discovery.cwd), read: flags.cache !== false, refresh },
    ...(request.resume ? { resume: request.resume } : {}),
    loadWorkflow: request.loadWorkflow ?? workflowLoader(discovery),
    concurrency: flags.concurrency ?? resolveConcurrency(process.env.WF_MAX_CONCURRENT_AGENTS),
    budget: flags.budget ?? null,
    maxCostUsd: flags.maxCost ?? null,
    timeoutMs: flags.timeout ?? null,
    ...(flags.cpuLimit === undefined ? {} : { cpuLimitMs: flags.cpuLimit }),
    ...(flags.memoryLimit === undefined ? {} : { heapLimitMb: flags.memoryLimit }),
    ...(flags.maxAgents === undefined ? {} : { maxAgents: flags.maxAgents }),
    signal: controller.signal,
    ...(flags.detachedRunId === undefined ? {} : { runId: flags.detachedRunId }),
    onEvent: (event) => {
      events?.write(event);
      view.onEvent(event);
    },
  };
  await releaseCompiler(); // the workflow is compiled: its memory is the run's for the agents
  let summary: RunSummary;
  try {
    summary = await runWorkflow(options);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.close();
    await events?.close();
  }
  // With `--events -` stdout is the event stream; the result is in its run-end event.
  if (events?.toStdout) return exitCodeForStatus(summary.status);
  printRunOutcome(io, summary, { json: Boolean(flags.json), report: Boolean(flags.report) });
  return exitCodeForStatus(summary.status);
}
