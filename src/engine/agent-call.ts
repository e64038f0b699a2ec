/**
 * One agent() call, from the script's request to its reply:
 *   key → reuse? (served from an earlier run: no slot, no budget) → queue (concurrency slot) →
 *   claim the key → budget check → dispatch (with schema attempts) → journal → cache entry → reply.
 * The journal line is fsynced before the script sees the answer (R1); only completed live steps
 * become cache entries (C2). A stopped run settles every
 * call: queued ones never dispatch and are not journaled; running ones are cancelled through the
 * signal and, if the dispatcher ignores it, abandoned after the grace period (X1).
 * Checks that can fail before a call exists (options, schema preflight, budget, agent limit) live
 * in run.ts, so a refused call never gets an index (matrix A06, B04, L03).
 */
import { messageOf, type ErrorData } from '../errors.js';
import { addUsage, AgentStoppedError, type AgentReply, type AgentRequest, type Dispatcher, type Usage, type WorktreeChange } from '../dispatch/dispatcher.js';
import type { AgentOptions } from './agent-options.js';
import type { Budget } from './budget.js';
import type { AgentStatus, RunEvent } from './events.js';
import { runStructured } from './structured-output.js';
import type { Journal } from '../runs/journal.js';
import type { RunDirectory } from '../runs/run-dir.js';
import type { StepSpec } from '../cache/key.js';
import type { CacheLease, CacheStore } from '../cache/store.js';
import { WfError } from '../errors.js';
import { cacheHit, type CachedFrom, type PreparedStep, type StepDecision, type StepHit } from './step-reuse.js';

/** What a live reply adds to the record beyond its value (all optional). */
export type ReplyDetails = Pick<AgentReply, 'toolCalls' | 'costUsd' | 'worktree'>;

/** How a call ended. `rejected` calls throw in the script; the others resolve (null unless completed). */
export type AgentOutcome =
  | { kind: 'completed'; value: unknown; usage: Usage; model?: string; details?: ReplyDetails }
  | { kind: 'cached'; value: unknown; model?: string; from: CachedFrom }
  | { kind: 'failed'; error: string; usage: Usage }
  | { kind: 'stopped' }
  | { kind: 'rejected'; error: ErrorData; usage: Usage };

/** What a call needs from its run. */
export interface AgentCallContext {
  runId: string;
  workflow: string;
  dispatcher: Dispatcher;
  /** The project's step cache, when the run writes one. */
  store: CacheStore | null;
  budget: Budget;
  journal: Journal;
  runDir: RunDirectory;
  /** Aborted when the run stops or ends with this call still running. */
  signal: AbortSignal;
  stopGraceMs: number;
  schemaAttempts: number;
  /** The project directory agents work in (realpath'd); isolated agents get a worktree of it instead. */
  projectRoot: string;
  /** USD for a call's usage on a served model, from the price table; undefined when the price is unknown. */
  costOf?(model: string, usage: Usage): number | undefined;
  emit(event: RunEvent): void;
  warn(message: string): void;
  /** A live agent finished (it may have changed the workspace). */
  agentFinished(): void;
  /** Called whenever `budget.spent()` may have changed. */
  budgetChanged(): void;
  now(): number;
}

export interface AgentRecord {
  index: number;
  label: string;
  phase: string | null;
  depth: number;
  prompt: string;
  options: AgentOptions;
  /** The model asked for (the option, else the run's default). */
  requestedModel?: string;
  /** The step key (C1) and the spec it hashes, once computed. */
  key?: string;
  spec?: StepSpec;
  /** How the step was decided: reused (and from where) or live (and why). */
  reuse?: { decision: 'hit'; from: CachedFrom } | { decision: 'live'; reason: string };
  status: AgentStatus;
  result?: unknown;
  error?: string;
  usage?: Usage;
  /** The model that served the call, when known. */
  model?: string;
  attempts?: number;
  /** Tool calls the agent made (API and CLI agents). */
  toolCalls?: number;
  /** USD, from the runner's own report or the price table; absent when unknown. */
  costUsd?: number;
  /** An isolated agent's worktree, kept because it changed something. */
  worktree?: WorktreeChange;
  dispatcher: string;
  queuedAt: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
}

const ZERO: Usage = { input: 0, output: 0, reasoning: 0 };
/** How long an agent runs before its record is written as running (it is always written at its end). */
const RUNNING_RECORD_DELAY_MS = 1000;

export class AgentCall {
  readonly record: AgentRecord;
  /** The cache entry write and the release of the step's claim, done after agent() has resolved. */
  private cacheWork: Promise<void> = Promise.resolve();
  private startedAtMs = 0;
  private decision?: StepDecision;
  private runningRecordTimer?: NodeJS.Timeout;

  constructor(
    private readonly context: AgentCallContext,
    init: { index: number; label: string; phase: string | null; depth: number; prompt: string; options: AgentOptions; requestedModel?: string },
  ) {
    this.record = {
      ...init,
      status: 'queued',
      dispatcher: context.dispatcher.name,
      queuedAt: new Date(context.now()).toISOString(),
    };
  }

  get index(): number {
    return this.record.index;
  }

  /** Appends the record as it is now to the run's `agents.jsonl` (display data, in order). */
  saveRecord(): void {
    this.context.runDir.writeAgentRecord(this.record);
  }

  /** Takes the key and the reuse decision (step-reuse.ts); a hit settles the call at once. */
  async prepared(step: PreparedStep): Promise<AgentOutcome | undefined> {
    this.record.key = step.key;
    this.record.spec = step.spec;
    this.decision = step.decision;
    if (step.decision.kind === 'live') {
      this.record.reuse = { decision: 'live', reason: step.decision.reason };
      return undefined;
    }
    return this.serveCached(step.decision);
  }

  /** The call cannot be keyed (a bad `reads`, a value JSON cannot hold): agent() throws. */
  refuse(error: unknown): Promise<AgentOutcome> {
    return this.finish({ kind: 'rejected', error: errorData(error), usage: ZERO });
  }

  /** C2: a reused step costs nothing, takes no slot and returns exactly what the live call did. */
  private serveCached(hit: StepHit): Promise<AgentOutcome> {
    this.record.reuse = { decision: 'hit', from: hit.from };
    return this.finish({ kind: 'cached', value: hit.value, ...(hit.model ? { model: hit.model } : {}), from: hit.from });
  }

  /** Resolves once the step's cache work (entry written, claim released) is done. */
  cacheWorkDone(): Promise<void> {
    return this.cacheWork;
  }

  /** The run stopped before this call got a concurrency slot: it never dispatches (X1, J13). */
  async cancelQueued(): Promise<AgentOutcome> {
    this.record.status = 'stopped';
    this.record.endedAt = new Date(this.context.now()).toISOString();
    this.saveRecord();
    this.emitEnd('stopped', ZERO);
    return { kind: 'stopped' };
  }

  /**
   * Runs the call in its concurrency slot; never rejects. `freeSlot` is called as soon as the agent
   * itself has ended, before the journal and record writes, so bookkeeping never holds a slot that
   * another agent could run in (L1 limits running agents).
   */
  async execute(freeSlot: () => void = () => undefined): Promise<AgentOutcome> {
    try {
      return await this.executeInSlot(freeSlot);
    } finally {
      freeSlot();
    }
  }

  private async executeInSlot(freeSlot: () => void): Promise<AgentOutcome> {
    const { context } = this;
    if (context.signal.aborted) return this.cancelQueued();
    let lease: CacheLease | undefined;
    if (this.decision?.kind === 'live' && this.decision.write && context.store && this.record.key) {
      // C3 single-flight: an identical step running elsewhere right now is awaited, not paid twice.
      try {
        const claimed = await context.store.claim(this.record.key, context.signal);
        if ('entry' in claimed) return await this.serveCached(cacheHit(claimed.entry));
        lease = claimed.lease;
      } catch (error) {
        if (context.signal.aborted) return this.cancelQueued();
        context.warn(`step cache: could not claim ${this.record.key} (${messageOf(error)}); running it without the claim`);
      }
    }
    try {
      return await this.executeLive(freeSlot);
    } finally {
      // After the entry is written, so a run waiting on this claim finds the entry, not a gap.
      if (lease) this.cacheWork = this.cacheWork.then(() => lease.release()).catch(() => undefined);
    }
  }

  private async executeLive(freeSlot: () => void): Promise<AgentOutcome> {
    const { context, record } = this;
    try {
      context.budget.check(); // again at start time: under parallel() the spend moved on (matrix B05)
    } catch (error) {
      return this.finish({ kind: 'rejected', error: errorData(error), usage: ZERO });
    }
    this.startedAtMs = context.now();
    record.status = 'running';
    record.startedAt = new Date(this.startedAtMs).toISOString();
    // A record is written when the agent ends; one still running after a second is also written
    // as running. Writing every start of a 1000-agent fan-out kept the I/O threads from the journal.
    this.runningRecordTimer = setTimeout(() => this.saveRecord(), RUNNING_RECORD_DELAY_MS);
    this.runningRecordTimer.unref?.();
    context.emit({ type: 'agent-start', index: record.index, label: record.label, phase: record.phase, ...(record.requestedModel === undefined ? {} : { model: record.requestedModel }) });
    const outcome = await this.dispatch();
    freeSlot();
    return this.finish(outcome);
  }

  private async dispatch(): Promise<AgentOutcome> {
    const { context, record } = this;
    const controller = new AbortController();
    const cancel = () => controller.abort(context.signal.reason);
    context.signal.addEventListener('abort', cancel, { once: true });
    const timeout = record.options.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new AgentTimeoutError(record.options.timeoutMs!)), record.options.timeoutMs);
    let usageSoFar: Usage = ZERO;
    const base: Omit<AgentRequest, 'attempt' | 'feedback'> = {
      runId: context.runId,
      index: record.index,
      prompt: record.prompt,
      label: record.label,
      ...(record.phase === null ? {} : { phase: record.phase }),
      ...pick(record.options),
      ...(record.requestedModel === undefined ? {} : { model: record.requestedModel }),
      ...(record.requestedModel !== undefined && record.options.model === undefined ? { modelIsDefault: true } : {}),
      cwd: context.projectRoot,
      maxAttempts: context.schemaAttempts,
    };
    let details: ReplyDetails = {};
    const once = async (request: AgentRequest) => {
      const reply = await context.dispatcher.run(request, controller.signal, (event) => {
        if (event.type === 'usage') {
          const usage = addUsage(usageSoFar, event.usage);
          context.budget.stream(record.index, usage);
          context.emit({ type: 'agent-usage', index: record.index, label: record.label, usage });
          context.budgetChanged();
        } else if (event.type === 'activity') {
          context.emit({ type: 'agent-activity', index: record.index, label: record.label, text: event.text });
        } else {
          context.warn(event.message);
        }
      });
      details = mergeDetails(details, reply);
      return reply;
    };
    const work = (async (): Promise<AgentOutcome> => {
      if (record.options.schema) {
        const result = await runStructured({ ...base, schema: record.options.schema }, context.schemaAttempts, once, (usage) => {
          usageSoFar = usage;
        });
        record.attempts = result.attempts;
        return { kind: 'completed', value: result.value, usage: result.usage, ...(result.model ? { model: result.model } : {}), details };
      }
      const reply = await once({ ...base, attempt: 1 });
      const text = typeof reply.output === 'string' ? reply.output : JSON.stringify(reply.output ?? '');
      if (text.trim() === '') return { kind: 'failed', error: 'the agent returned an empty reply', usage: reply.usage };
      return { kind: 'completed', value: text, usage: reply.usage, ...(reply.model ? { model: reply.model } : {}), details };
    })();
    try {
      return await Promise.race([work, this.abandonAfterGrace(controller.signal)]);
    } catch (error) {
      const usage = (error as { usage?: Usage }).usage ?? usageSoFar;
      if (error instanceof AgentTimeoutError) return { kind: 'failed', error: error.message, usage };
      if (controller.signal.aborted || AgentStoppedError.isInstance(error)) {
        // A timeout aborts the same controller; report it as the failure it is.
        const reason = controller.signal.reason;
        if (reason instanceof AgentTimeoutError) return { kind: 'failed', error: reason.message, usage };
        return { kind: 'stopped' };
      }
      if (WfError.isInstance(error) && error.code === 'WF_STRUCTURED_OUTPUT') {
        return { kind: 'rejected', error: errorData(error), usage };
      }
      return { kind: 'failed', error: messageOf(error), usage };
    } finally {
      if (timeout) clearTimeout(timeout);
      context.signal.removeEventListener('abort', cancel);
    }
  }

  /** Settles as stopped `stopGraceMs` after an abort, for dispatchers that ignore cancellation. */
  private abandonAfterGrace(signal: AbortSignal): Promise<never> {
    return new Promise((_, reject) => {
      const arm = () => {
        const timer = setTimeout(() => reject(new AgentStoppedError('agent did not stop in time and was abandoned')), this.context.stopGraceMs);
        timer.unref?.();
      };
      if (signal.aborted) arm();
      else signal.addEventListener('abort', arm, { once: true });
    });
  }

  /** Tool calls, worktree and cost of a live reply; cost from the runner's report, else the price table. */
  private recordDetails(details: ReplyDetails, usage: Usage): void {
    const { record, context } = this;
    if (details.toolCalls !== undefined) record.toolCalls = details.toolCalls;
    if (details.worktree) record.worktree = details.worktree;
    const served = record.model ?? record.requestedModel;
    const cost = details.costUsd ?? (served === undefined ? undefined : context.costOf?.(served, usage));
    if (cost !== undefined) {
      record.costUsd = cost;
      context.budget.addCost(cost);
    } else if (served !== undefined && context.budget.maxCostUsd !== null) {
      context.warn(`--max-cost: the price of ${served} is unknown, so its agents are not counted (add it under "prices" in .boocode/config.json)`);
    }
  }

  private async finish(outcome: AgentOutcome): Promise<AgentOutcome> {
    const { context, record } = this;
    clearTimeout(this.runningRecordTimer);
    const usage = outcome.kind === 'stopped' || outcome.kind === 'cached' ? ZERO : outcome.usage;
    context.budget.settle(record.index, outcome.kind === 'stopped' ? null : usage);
    context.budgetChanged();
    const endedAt = context.now();
    const succeeded = outcome.kind === 'completed' || outcome.kind === 'cached';
    record.status = succeeded ? 'completed' : outcome.kind === 'stopped' ? 'stopped' : 'failed';
    record.endedAt = new Date(endedAt).toISOString();
    record.durationMs = this.startedAtMs ? endedAt - this.startedAtMs : 0;
    record.usage = usage;
    if (succeeded) {
      record.result = outcome.value;
      if (outcome.model) record.model = outcome.model;
    }
    // A failed agent's tokens were spent too: they count for its cost and for --max-cost.
    if (outcome.kind === 'completed') this.recordDetails(outcome.details ?? {}, usage);
    else if ((outcome.kind === 'failed' || outcome.kind === 'rejected') && usage.input + usage.output + usage.reasoning > 0) this.recordDetails({}, usage);
    if (outcome.kind === 'failed') record.error = outcome.error;
    if (outcome.kind === 'rejected') record.error = outcome.error.message;
    const cached = outcome.kind === 'cached' ? outcome.from : undefined;
    // R1: a completed step is durable before the script sees the answer. A reused step already is
    // (in the cache, or in the journal of the run it came from, which a resume also reads), so its
    // line is written in order but not waited for: a cached re-run does not pay an fsync per step.
    const appended = context.journal.append({
      type: 'agent-end',
      index: record.index,
      ...(record.key === undefined ? {} : { key: record.key }),
      label: record.label,
      phase: record.phase,
      depth: record.depth,
      status: record.status,
      ...(succeeded ? { value: outcome.value } : {}),
      ...(record.error === undefined ? {} : { error: record.error }),
      usage,
      ...(record.model ? { model: record.model } : {}),
      ...(cached ? { cached } : {}),
      startedAt: record.startedAt ?? null,
      endedAt: record.endedAt,
    });
    if (outcome.kind === 'cached') appended.catch((error: unknown) => context.warn(`journal: could not record reused step #${record.index}: ${messageOf(error)}`));
    else await appended;
    // The cache entry is for later runs; this run's record of the step is the journal line above,
    // so agent() does not wait for the entry (the run does, before it ends).
    if (outcome.kind === 'completed') this.cacheWork = this.writeCacheEntry(outcome);
    if (outcome.kind !== 'cached') context.agentFinished();
    this.saveRecord();
    this.emitEnd(record.status as 'completed' | 'failed' | 'stopped', usage, record.error, cached);
    return outcome;
  }

  /** C2: only a completed live step becomes an entry; a failure to write one is a warning. */
  private async writeCacheEntry(outcome: Extract<AgentOutcome, { kind: 'completed' }>): Promise<void> {
    const { context, record, decision } = this;
    if (!context.store || decision?.kind !== 'live' || !decision.write || !record.key || !record.spec) return;
    const createdAt = record.endedAt ?? new Date(context.now()).toISOString();
    const ttlMs = record.options.cache ? record.options.cache.ttlMs : undefined;
    try {
      await context.store.put(
        {
          key: record.key,
          spec: record.spec as unknown as Record<string, unknown>,
          value: outcome.value,
          usage: outcome.usage,
          ...(outcome.model ? { model: outcome.model } : {}),
          createdAt,
          ...(ttlMs === undefined ? {} : { expiresAt: new Date(Date.parse(createdAt) + ttlMs).toISOString() }),
          producer: { runId: context.runId, workflow: context.workflow, index: record.index, label: record.label, phase: record.phase },
        },
        { replace: decision.replace },
      );
    } catch (error) {
      context.warn(`step cache: could not store the result of #${record.index} ${record.label}: ${messageOf(error)}`);
    }
  }

  private emitEnd(status: 'completed' | 'failed' | 'stopped', usage: Usage, error?: string, cached?: CachedFrom): void {
    const { record } = this;
    this.context.emit({
      type: 'agent-end',
      index: record.index,
      label: record.label,
      phase: record.phase,
      status,
      usage,
      durationMs: record.durationMs ?? 0,
      ...(error === undefined ? {} : { error }),
      ...(cached === undefined ? {} : { cached }),
      ...(record.model === undefined ? {} : { model: record.model }),
      ...(record.costUsd === undefined || cached ? {} : { costUsd: record.costUsd }),
    });
  }
}

class AgentTimeoutError extends Error {
  constructor(ms: number) {
    super(`the agent timed out after ${ms} ms`);
  }
}

function pick(options: AgentOptions): Partial<AgentRequest> {
  const request: Partial<AgentRequest> = {};
  if (options.effort !== undefined) request.effort = options.effort;
  if (options.agentType !== undefined) request.agentType = options.agentType;
  if (options.isolation !== undefined) request.isolation = options.isolation;
  if (options.maxToolCalls !== undefined) request.maxToolCalls = options.maxToolCalls;
  return request;
}

export function errorData(error: unknown): ErrorData {
  if (WfError.isInstance(error)) return error.toData();
  if (error instanceof Error) return { name: error.name, code: 'WF_ERROR', message: error.message };
  return { name: 'Error', code: 'WF_ERROR', message: messageOf(error) };
}

/** Details of several dispatches of one agent (structured-output attempts): counts and costs add up. */
function mergeDetails(so: ReplyDetails, reply: AgentReply): ReplyDetails {
  const merged: ReplyDetails = { ...so };
  if (reply.toolCalls !== undefined) merged.toolCalls = (so.toolCalls ?? 0) + reply.toolCalls;
  if (reply.costUsd !== undefined) merged.costUsd = (so.costUsd ?? 0) + reply.costUsd;
  if (reply.worktree) merged.worktree = reply.worktree;
  return merged;
}
