/**
 * A Run: one execution of one compiled workflow. It owns the sandbox host, the concurrency queue,
 * the budget, the journal and the run directory, and decides every request the script makes
 * (spec §4–§7). Status transitions (R2): running → completed | failed | stopped. A stop (X1)
 * refuses new agents, cancels running ones, never dispatches queued ones, and ends the run within
 * a bounded grace even if the script or an agent ignores it.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import PQueue from 'p-queue';
import type { CompiledWorkflow } from '../compile/compiled-workflow.js';
import { GENERATED_FILENAME } from '../compile/compiled-workflow.js';
import { mapStack } from '../compile/source-map.js';
import { AgentStoppedError, type Dispatcher, type Usage } from '../dispatch/dispatcher.js';
import { WfValidationError, type ErrorData, formatLocation } from '../errors.js';
import { Journal, type JournalSync } from '../runs/journal.js';
import { RunDirectory } from '../runs/run-dir.js';
import { generateRunId } from '../runs/run-id.js';
import { preflightSchema } from '../schema/index.js';
import type { Outcome, SandboxWorkflow } from '../sandbox/protocol.js';
import { SandboxHost, type AgentCallMessage, type SandboxEnd } from '../sandbox/host.js';
import { AgentCall, errorData, type AgentCallContext, type AgentOutcome } from './agent-call.js';
import type { PreparedStep } from './step-reuse.js';
import { autoLabel, parseAgentOptions } from './agent-options.js';
import { Budget } from './budget.js';
import { AgentLimitError, RunStoppedError } from './errors.js';
import type { RunEvent, RunEventListener } from './events.js';
import {
  DEFAULT_CPU_LIMIT_MS,
  DEFAULT_HEAP_LIMIT_MB,
  DEFAULT_MAX_AGENTS,
  DEFAULT_SCHEMA_ATTEMPTS,
  DEFAULT_STOP_GRACE_MS,
  LARGE_WORKFLOW_THRESHOLD,
  defaultConcurrency,
} from './limits.js';
import { PhaseTracker } from './phases.js';
import { sumSpend, type RunStatus, type RunSummary } from './run-summary.js';
import { StepReuse, type CacheOptions, type ResumeOptions } from './step-reuse.js';

/** Resolves `workflow(nameOrRef)` to a compiled child (W1); throws for unknown or broken ones. */
export type WorkflowLoader = (reference: string | { scriptPath: string }, fromFile: string) => Promise<CompiledWorkflow>;

export interface RunOptions {
  workflow: CompiledWorkflow;
  /** The run's `args`; `undefined` when none were given (AR1). */
  args?: unknown;
  dispatcher: Dispatcher;
  /** The model of calls that name none (`provider/model`); part of their step keys (matrix J22). */
  model?: string;
  /** Directory that holds run directories, usually `<project>/.boocode/runs`. */
  runsDir: string;
  /** Where workspace fingerprints and `reads.files` are computed; default the runs dir's project. */
  projectRoot?: string;
  /** Cross-run step reuse (C3). Without a store, nothing is read from or written to a cache. */
  cache?: CacheOptions;
  /** Reuse the completed steps of an earlier run (C4, `wf resume`). */
  resume?: ResumeOptions;
  /** L1; default min(16, cpus − 2). */
  concurrency?: number;
  /** B1: token budget; null or undefined for none. */
  budget?: number | null;
  /** B3: cost ceiling in USD, counted with `costOf`; null or undefined for none. */
  maxCostUsd?: number | null;
  /** L2; default 1000. */
  maxAgents?: number;
  /** Wall-clock limit of the run in ms (L4); default none. */
  timeoutMs?: number | null;
  /** S3: CPU limit of the script in ms; default 10 s. */
  cpuLimitMs?: number;
  /** S1: isolate heap limit in MB; default 128. */
  heapLimitMb?: number;
  /** A3: attempts for structured output; default 5. */
  schemaAttempts?: number;
  /** USD for a call's usage on a served model (the price table); agents' costs add up in the summary. */
  costOf?: (model: string, usage: Usage) => number | undefined;
  /** R1: when a completed step counts as recorded; default `batched` (runs/journal.ts). */
  journalSync?: JournalSync;
  /** X1: how long a stop waits for agents and the script; default 2 s. */
  stopGraceMs?: number;
  loadWorkflow?: WorkflowLoader;
  onEvent?: RunEventListener;
  /** Aborting it stops the run (X1). */
  signal?: AbortSignal;
  /** The run's id; default a fresh one. `wf run --detach` chooses it before the run process starts. */
  runId?: string;
  /** Deterministic ids and clocks for tests. */
  _internal?: { now?: () => number; generateRunId?: () => string };
}

const CHILD_FILENAME = 'child.gen.js';
const LOG_LINE_LIMIT = 64 * 1024;
const LOG_COUNT_LIMIT = 100_000;
const MAX_DISPLAY_CHARS = 200;
/** A budget or cost ceiling this far spent gets one warning, so nobody is surprised when it ends the run. */
const BUDGET_NEAR_SHARE = 0.8;

/** Runs a compiled workflow to its end and returns the summary. Never rejects for script errors. */
export async function runWorkflow(options: RunOptions): Promise<RunSummary> {
  return new Run(options).execute();
}

class Run {
  private readonly now: () => number;
  private readonly runId: string;
  private readonly budget: Budget;
  private readonly queue: PQueue;
  private readonly abort = new AbortController();
  private readonly calls: AgentCall[] = [];
  /** Calls waiting for a concurrency slot, and how to settle them if the run stops first. */
  private readonly waiting = new Map<number, { call: AgentCall; settle: (outcome: Promise<AgentOutcome>) => void }>();
  private readonly reuse: StepReuse;
  private readonly projectRoot: string;
  /** The reply to send to the script when a call settles, by call index. */
  private readonly pendingReplies = new Map<number, (outcome: Outcome<unknown>) => void>();
  private readonly unsettled = new Set<Promise<unknown>>();
  private readonly labels = new Map<string, number>();
  private readonly warnings: string[] = [];
  private readonly warnedKeys = new Set<string>();
  private readonly phases: PhaseTracker;
  private readonly maxAgents: number;
  private readonly stopGraceMs: number;
  private runDir!: RunDirectory;
  private journal!: Journal;
  private host!: SandboxHost;
  private context!: AgentCallContext;
  private stopRequested = false;
  private budgetPostPending = false;
  private scriptEnded = false;
  private largeWarned = false;
  private stopTimers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RunOptions) {
    this.now = options._internal?.now ?? Date.now;
    this.runId = options.runId ?? (options._internal?.generateRunId ?? (() => generateRunId(this.now())))();
    this.budget = new Budget(options.budget ?? null, options.maxCostUsd ?? null);
    this.queue = new PQueue({ concurrency: options.concurrency ?? defaultConcurrency() });
    this.maxAgents = options.maxAgents ?? DEFAULT_MAX_AGENTS;
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.phases = new PhaseTracker(options.workflow.meta.phases?.map((phase) => phase.title) ?? []);
    // Every running agent listens for the stop; up to 256 run at once, which is not a leak.
    setMaxListeners(0, this.abort.signal);
    for (const warning of options.workflow.warnings) this.warnings.push(formatWarning(warning));
    const projectRoot = realDirectory(options.projectRoot ?? dirname(dirname(options.runsDir)));
    this.projectRoot = projectRoot;
    this.reuse = new StepReuse(options.dispatcher, projectRoot, options.cache, options.resume, this.now, (message) => this.warnOnce(`cache:${message}`, message));
  }

  async execute(): Promise<RunSummary> {
    const { workflow } = this.options;
    const startedAt = this.now();
    this.runDir = await RunDirectory.create(this.options.runsDir, this.runId);
    await this.runDir.writeScript(workflow.source, workflow.file);
    await this.runDir.writeArgs(this.options.args);
    this.journal = await Journal.open(this.runDir.journalPath, this.options.journalSync ?? journalSyncFromEnv());
    await this.journal.append({
      type: 'run-start',
      runId: this.runId,
      workflow: workflow.meta.name,
      file: workflow.file,
      startedAt: new Date(startedAt).toISOString(),
      ...this.resumeRecord(),
    });
    await this.runDir.writeRunRecord(this.record('running', startedAt, null, null));
    this.context = {
      runId: this.runId,
      workflow: workflow.meta.name,
      dispatcher: this.options.dispatcher,
      store: this.options.cache?.write === false ? null : (this.options.cache?.store ?? null),
      budget: this.budget,
      journal: this.journal,
      runDir: this.runDir,
      signal: this.abort.signal,
      stopGraceMs: this.stopGraceMs,
      schemaAttempts: this.options.schemaAttempts ?? DEFAULT_SCHEMA_ATTEMPTS,
      projectRoot: this.projectRoot,
      ...(this.options.costOf ? { costOf: this.options.costOf } : {}),
      emit: (event) => this.emit(event),
      warn: (message) => this.warnOnce(`cache:${message}`, message),
      agentFinished: () => this.reuse.agentFinished(),
      budgetChanged: () => this.budgetChanged(),
      now: this.now,
    };
    this.emit({ type: 'run-start', runId: this.runId, runDir: this.runDir.path, workflow: workflow.meta.name, file: workflow.file, dispatcher: this.options.dispatcher.name });

    const onAbort = () => this.stop('stopped by signal');
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    this.host = new SandboxHost(
      {
        workflow: { code: workflow.code, filename: GENERATED_FILENAME },
        argsJson: this.options.args === undefined ? null : JSON.stringify(this.options.args),
        budgetTotal: this.budget.total,
        spent: 0,
        limits: {
          cpuMs: this.options.cpuLimitMs ?? DEFAULT_CPU_LIMIT_MS,
          wallMs: this.options.timeoutMs ?? null,
          heapMb: this.options.heapLimitMb ?? DEFAULT_HEAP_LIMIT_MB,
        },
        logLineLimit: LOG_LINE_LIMIT,
        logCountLimit: LOG_COUNT_LIMIT,
      },
      {
        agentCall: (call) => this.onAgentCall(call),
        workflowCall: (callId, referenceJson) => void this.onWorkflowCall(callId, referenceJson),
        logWrite: (lines) => this.onLog(lines),
        phaseStart: (title) => this.onPhase(title),
      },
    );
    if (this.options.signal?.aborted) this.stop('stopped by signal');

    const end = await this.host.ended;
    this.scriptEnded = true;
    await this.settleRemainingAgents();
    await Promise.all(this.calls.map((call) => call.cacheWorkDone()));
    this.host.kill();
    for (const timer of this.stopTimers) clearTimeout(timer);
    this.options.signal?.removeEventListener('abort', onAbort);

    const { status, result, error } = this.outcome(end);
    const summary = this.summary(status, startedAt, result, error);
    await this.journal.append({ type: 'run-end', status, endedAt: new Date(this.now()).toISOString(), ...(error ? { error } : {}) });
    await this.journal.close();
    await this.runDir.writeRunRecord({ ...this.record(status, startedAt, result, error), ...summary });
    if (status === 'completed') await this.runDir.writeResult(result);
    this.emit({ type: 'run-end', summary });
    this.runDir.close();
    return summary;
  }

  /** X1: refuse new agents, cancel running ones, drop queued ones, end within the grace. */
  stop(reason: string): void {
    if (this.stopRequested || this.scriptEnded) return;
    this.stopRequested = true;
    this.emit({ type: 'run-stopping', reason });
    this.cancelAgents(reason);
    // The script normally ends by itself once its agents resolve null; if it does not, dispose it.
    const dispose = setTimeout(() => this.host.stop(), this.stopGraceMs);
    const kill = setTimeout(() => this.host.kill(), this.stopGraceMs * 2 + 1000);
    this.stopTimers.push(dispose, kill);
  }

  private cancelAgents(reason: string): void {
    this.abort.abort(new AgentStoppedError(reason));
    this.queue.clear();
    for (const { call, settle } of this.waiting.values()) settle(call.cancelQueued());
    this.waiting.clear();
  }

  /** R06: agents the script did not await are cancelled when it ends; the summary waits a bounded grace. */
  private async settleRemainingAgents(): Promise<void> {
    if (this.unsettled.size === 0 && this.waiting.size === 0) return;
    if (!this.abort.signal.aborted) this.cancelAgents('the script ended without awaiting this agent');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.unsettled]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, this.stopGraceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private onAgentCall(call: AgentCallMessage): void {
    const reply = (outcome: Outcome<unknown>) => this.host.answerAgent(call.callId, this.budget.spent(), outcome);
    const refuse = (error: unknown) => reply({ ok: false, error: errorData(error) });
    if (this.stopRequested || this.scriptEnded) return refuse(new RunStoppedError());
    let parsed;
    try {
      parsed = parseAgentOptions(JSON.parse(call.optionsJson));
      if (parsed.options.schema) preflightSchema(parsed.options.schema); // A4: before any dispatch (also compiles it)
      this.budget.check(); // B2
      if (this.calls.length >= this.maxAgents) throw new AgentLimitError(this.maxAgents); // L2
    } catch (error) {
      return refuse(error);
    }
    for (const key of parsed.unknownKeys) {
      this.warnOnce(`option:${key}`, `agent(): unknown option "${key}" was dropped`);
    }
    const { options } = parsed;
    const phase = clip(options.phase ?? call.phase);
    const requestedModel = options.model ?? this.options.model;
    const agentCall = new AgentCall(this.context, {
      index: this.calls.length,
      label: this.uniqueLabel(clip(options.label) ?? autoLabel(call.prompt)),
      phase,
      depth: call.depth,
      prompt: call.prompt,
      options,
      ...(requestedModel === undefined ? {} : { requestedModel }),
    });
    this.calls.push(agentCall);
    if (phase !== null) this.onPhaseUsed(phase);
    this.phases.addAgent(phase);
    if (!this.largeWarned && this.calls.length > LARGE_WORKFLOW_THRESHOLD) {
      this.largeWarned = true;
      this.warn(`large workflow: more than ${LARGE_WORKFLOW_THRESHOLD} agents scheduled; check the budget and concurrency (advisory)`);
    }
    this.emit({ type: 'agent-queue', index: agentCall.index, label: agentCall.record.label, phase });
    this.pendingReplies.set(agentCall.index, reply);
    const { record } = agentCall;
    const keyed = this.reuse.prepare({
      index: record.index,
      label: record.label,
      phase,
      prompt: record.prompt,
      options,
      ...(requestedModel === undefined ? {} : { model: requestedModel }),
    });
    void this.track(this.begin(agentCall, keyed), agentCall);
  }

  /** Key → reuse or queue → run. Every path settles, including a stop at any point. */
  private async begin(call: AgentCall, keyed: Promise<PreparedStep>): Promise<AgentOutcome> {
    let step: PreparedStep;
    try {
      step = await keyed;
    } catch (error) {
      return call.refuse(error); // e.g. reads.files outside the project: agent() throws
    }
    if (this.abort.signal.aborted) return call.cancelQueued();
    const reused = await call.prepared(step);
    if (reused) return reused;
    return new Promise<AgentOutcome>((resolve) => {
      this.waiting.set(call.index, { call, settle: resolve });
      const ran = this.queue.add(async () => {
        if (!this.waiting.delete(call.index)) return; // cancelled while queued
        await new Promise<void>((freeSlot) => resolve(call.execute(freeSlot))); // held until the agent ends
      });
      ran.catch(() => undefined);
    });
  }

  /** Sends the call's reply when its outcome is known, and accounts for it in the phase summary. */
  private track(outcome: Promise<AgentOutcome>, call: AgentCall): Promise<AgentOutcome> {
    const settled = outcome.then((result) => {
      this.unsettled.delete(settled);
      this.phases.finishAgent(call.record.phase, call.record.usage);
      const reply = this.pendingReplies.get(call.index);
      this.pendingReplies.delete(call.index);
      reply?.(toReply(result));
      return result;
    });
    this.unsettled.add(settled);
    return settled;
  }

  private async onWorkflowCall(callId: number, referenceJson: string): Promise<void> {
    let outcome: Outcome<SandboxWorkflow>;
    try {
      const reference = JSON.parse(referenceJson) as string | { scriptPath: string };
      if (!this.options.loadWorkflow) throw new Error(`workflow(${referenceJson}): no workflow resolver is configured`);
      const child = await this.options.loadWorkflow(reference, this.options.workflow.file);
      for (const warning of child.warnings) this.warnOnce(`child:${child.file}:${warning.message}`, formatWarning(warning));
      outcome = { ok: true, value: { code: child.code, filename: CHILD_FILENAME } };
    } catch (error) {
      outcome = { ok: false, error: workflowErrorForScript(error) };
    }
    this.host.answerWorkflow(callId, outcome);
  }

  private onLog(lines: string[]): void {
    void this.runDir.appendLog(lines);
    for (const line of lines) this.emit({ type: 'log-write', line });
  }

  private onPhase(rawTitle: string): void {
    const title = clip(rawTitle)!;
    this.onPhaseUsed(title);
    this.phases.use(title);
    this.emit({ type: 'phase-start', title, depth: 0 });
  }

  /** PH1: a title used at run time that meta.phases does not declare gives one warning. */
  private onPhaseUsed(title: string): void {
    const declared = this.options.workflow.meta.phases;
    if (!declared || declared.some((phase) => phase.title === title)) return;
    if (this.options.workflow.phaseTitles.includes(title)) return; // compile already warned
    this.warnOnce(`phase:${title}`, `phase "${title}" is not declared in meta.phases`);
  }

  private budgetChanged(): void {
    const spent = this.budget.spent();
    // One message to the sandbox per turn of the event loop, however many agents moved the spend
    // in it (an agent's reply carries the spend too, so the script never reads a stale one after it).
    if (!this.budgetPostPending) {
      this.budgetPostPending = true;
      setImmediate(() => {
        this.budgetPostPending = false;
        this.host.updateBudget(this.budget.spent());
      });
    }
    this.emit({ type: 'budget-update', spent, total: this.budget.total });
    const { total, maxCostUsd } = this.budget;
    if (total !== null && total > 0 && spent >= total * BUDGET_NEAR_SHARE && spent < total) {
      this.warnOnce('budget-near', `budget: ${spent} of ${total} tokens spent (${Math.floor((spent / total) * 100)}%); agent() throws once it is spent`);
    }
    const spentUsd = this.budget.spentUsd();
    if (maxCostUsd !== null && maxCostUsd > 0 && spentUsd >= maxCostUsd * BUDGET_NEAR_SHARE && spentUsd < maxCostUsd) {
      this.warnOnce('cost-near', `--max-cost: $${spentUsd.toFixed(4)} of $${maxCostUsd} spent (${Math.floor((spentUsd / maxCostUsd) * 100)}%); agent() throws once it is spent`);
    }
  }

  /** A17: duplicate labels stay distinguishable: `same`, `same [2]`. */
  private uniqueLabel(label: string): string {
    const seen = (this.labels.get(label) ?? 0) + 1;
    this.labels.set(label, seen);
    return seen === 1 ? label : `${label} [${seen}]`;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.emit({ type: 'warning', message });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warnedKeys.has(key)) return;
    this.warnedKeys.add(key);
    this.warn(message);
  }

  private emit(event: RunEvent): void {
    this.runDir?.writeEvent({ time: new Date(this.now()).toISOString(), ...event });
    try {
      this.options.onEvent?.(event);
    } catch {
      // R09: a listener that throws must not break the run.
    }
  }

  private outcome(end: SandboxEnd): { status: RunStatus; result: unknown; error: ErrorData | null } {
    if (this.stopRequested) {
      return { status: 'stopped', result: null, error: { name: 'WfStoppedError', code: 'WF_STOPPED', message: 'the run was stopped' } };
    }
    if (end.ok) return { status: 'completed', result: JSON.parse(end.resultJson), error: null };
    return { status: 'failed', result: null, error: this.describeFailure(end.error) };
  }

  /** Maps the isolate's stack to the user's file:line:col, and takes the first user frame as the location. */
  private describeFailure(error: ErrorData): ErrorData {
    const { workflow } = this.options;
    const described: ErrorData = { name: error.name, code: error.code ?? 'WF_SCRIPT_ERROR', message: error.message };
    if (error.hint) described.hint = error.hint;
    if (error.stack) {
      const mapped = mapStack(error.stack, workflow);
      described.stack = mapped;
      const frame = new RegExp(`${escapeRegExp(workflow.file)}:(\\d+):(\\d+)`).exec(mapped);
      if (frame) described.location = { file: workflow.file, line: Number(frame[1]), column: Number(frame[2]) };
    }
    return described;
  }

  private summary(status: RunStatus, startedAt: number, result: unknown, error: ErrorData | null): RunSummary {
    const { usage, costUsd, byModel } = sumSpend(this.calls.map((call) => call.record), this.options.dispatcher.name);
    return {
      runId: this.runId,
      runDir: this.runDir.path,
      workflow: this.options.workflow.meta.name,
      status,
      result,
      error,
      agentCount: this.calls.length,
      cachedCount: this.calls.filter((call) => call.record.reuse?.decision === 'hit' && call.record.status === 'completed').length,
      failedCount: this.calls.filter((call) => call.record.status === 'failed').length,
      usage,
      ...(costUsd === undefined ? {} : { costUsd }),
      ...(Object.keys(byModel).length ? { byModel } : {}),
      phases: this.phases.summary(),
      warnings: [...this.warnings],
      startedAt: new Date(startedAt).toISOString(),
      durationMs: this.now() - startedAt,
    };
  }

  private resumeRecord(): { resumedFrom?: { runId: string; mode: string } } {
    const { resume } = this.options;
    return resume ? { resumedFrom: { runId: resume.source.runId, mode: resume.mode } } : {};
  }

  private record(status: RunStatus, startedAt: number, result: unknown, error: ErrorData | null) {
    return {
      runId: this.runId,
      workflow: this.options.workflow.meta.name,
      file: this.options.workflow.file,
      dispatcher: this.options.dispatcher.name,
      status,
      startedAt: new Date(startedAt).toISOString(),
      pid: process.pid,
      host: hostname(),
      ...(this.options.model === undefined ? {} : { model: this.options.model }),
      budget: this.budget.total,
      ...this.resumeRecord(),
      result,
      error,
    };
  }
}

/** `WF_JOURNAL_SYNC=every-step` asks for an fdatasync before every agent() resolves. */
function journalSyncFromEnv(): JournalSync {
  return process.env.WF_JOURNAL_SYNC === 'every-step' ? 'every-step' : 'batched';
}

/** W07: a child that does not compile reaches the parent as a catchable SyntaxError. */
function workflowErrorForScript(error: unknown): ErrorData {
  if (error instanceof WfValidationError) return { ...errorData(error), name: 'SyntaxError', message: error.describe() };
  return errorData(error);
}

/** Labels and phase titles are display text: long ones are cut so records and summaries stay small. */
function clip<T extends string | null | undefined>(text: T): T {
  return (typeof text === 'string' && text.length > MAX_DISPLAY_CHARS ? `${text.slice(0, MAX_DISPLAY_CHARS - 1)}…` : text) as T;
}

function toReply(outcome: AgentOutcome): Outcome<unknown> {
  switch (outcome.kind) {
    case 'completed':
    case 'cached':
      return { ok: true, value: outcome.value };
    case 'failed':
    case 'stopped':
      return { ok: true, value: null }; // A5: a failed or stopped agent resolves null
    case 'rejected':
      return { ok: false, error: outcome.error };
  }
}

function formatWarning(warning: { message: string; location?: { file: string; line: number; column: number } }): string {
  return warning.location ? `${formatLocation(warning.location)}: ${warning.message}` : warning.message;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The project directory without symlinks: agents' file tools compare real paths against it. */
function realDirectory(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
