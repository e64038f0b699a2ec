/**
 * One agent() call, from the script's request to its reply:
 *   queue (concurrency slot) → budget check → dispatch (with schema attempts) → record + journal → reply.
 * The journal line is fsynced before the script sees the answer (R1). A stopped run settles every
 * call: queued ones never dispatch and are not journaled; running ones are cancelled through the
 * signal and, if the dispatcher ignores it, abandoned after the grace period (X1).
 * Checks that can fail before a call exists (options, schema preflight, budget, agent limit) live
 * in run.ts, so a refused call never gets an index (matrix A06, B04, L03).
 */
import { messageOf, type ErrorData } from '../errors.js';
import { AgentStoppedError, type AgentRequest, type Dispatcher, type Usage } from '../dispatch/dispatcher.js';
import type { AgentOptions } from './agent-options.js';
import type { Budget } from './budget.js';
import type { AgentStatus, RunEvent } from './events.js';
import { addUsage, runStructured } from './structured-output.js';
import type { Journal } from '../runs/journal.js';
import type { RunDirectory } from '../runs/run-dir.js';
import { WfError } from '../errors.js';

/** How a call ended. `rejected` calls throw in the script; the others resolve (null unless completed). */
export type AgentOutcome =
  | { kind: 'completed'; value: unknown; usage: Usage; model?: string }
  | { kind: 'failed'; error: string; usage: Usage }
  | { kind: 'stopped' }
  | { kind: 'rejected'; error: ErrorData; usage: Usage };

/** What a call needs from its run. */
export interface AgentCallContext {
  runId: string;
  dispatcher: Dispatcher;
  budget: Budget;
  journal: Journal;
  runDir: RunDirectory;
  /** Aborted when the run stops or ends with this call still running. */
  signal: AbortSignal;
  stopGraceMs: number;
  schemaAttempts: number;
  emit(event: RunEvent): void;
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
  status: AgentStatus;
  result?: unknown;
  error?: string;
  usage?: Usage;
  model?: string;
  attempts?: number;
  dispatcher: string;
  queuedAt: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
}

const ZERO: Usage = { input: 0, output: 0, reasoning: 0 };

export class AgentCall {
  readonly record: AgentRecord;
  private recordWrites: Promise<void> = Promise.resolve();
  private startedAtMs = 0;

  constructor(
    private readonly context: AgentCallContext,
    init: { index: number; label: string; phase: string | null; depth: number; prompt: string; options: AgentOptions },
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

  /** Writes the record now; writes are chained so a stale state never overwrites a later one (J02). */
  saveRecord(): Promise<void> {
    const snapshot = { ...this.record };
    this.recordWrites = this.recordWrites.then(() => this.context.runDir.writeAgentRecord(snapshot.index, snapshot)).catch(() => undefined);
    return this.recordWrites;
  }

  /** The run stopped before this call got a concurrency slot: it never dispatches (X1, J13). */
  async cancelQueued(): Promise<AgentOutcome> {
    this.record.status = 'stopped';
    this.record.endedAt = new Date(this.context.now()).toISOString();
    await this.saveRecord();
    this.emitEnd('stopped', ZERO);
    return { kind: 'stopped' };
  }

  /** Runs the call in its concurrency slot; never rejects. */
  async execute(): Promise<AgentOutcome> {
    const { context, record } = this;
    if (context.signal.aborted) return this.cancelQueued();
    try {
      context.budget.check(); // again at start time: under parallel() the spend moved on (matrix B05)
    } catch (error) {
      return this.finish({ kind: 'rejected', error: errorData(error), usage: ZERO });
    }
    this.startedAtMs = context.now();
    record.status = 'running';
    record.startedAt = new Date(this.startedAtMs).toISOString();
    void this.saveRecord();
    context.emit({ type: 'agent-start', index: record.index, label: record.label, phase: record.phase });
    return this.finish(await this.dispatch());
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
    };
    const once = (request: AgentRequest) =>
      context.dispatcher.run(request, controller.signal, (event) => {
        if (event.type === 'usage') {
          context.budget.stream(record.index, addUsage(usageSoFar, event.usage));
          context.budgetChanged();
        }
      });
    const work = (async (): Promise<AgentOutcome> => {
      if (record.options.schema) {
        const result = await runStructured({ ...base, schema: record.options.schema }, context.schemaAttempts, once, (usage) => {
          usageSoFar = usage;
        });
        record.attempts = result.attempts;
        return { kind: 'completed', value: result.value, usage: result.usage, ...(result.model ? { model: result.model } : {}) };
      }
      const reply = await once({ ...base, attempt: 1 });
      const text = typeof reply.output === 'string' ? reply.output : JSON.stringify(reply.output ?? '');
      if (text.trim() === '') return { kind: 'failed', error: 'the agent returned an empty reply', usage: reply.usage };
      return { kind: 'completed', value: text, usage: reply.usage, ...(reply.model ? { model: reply.model } : {}) };
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

  private async finish(outcome: AgentOutcome): Promise<AgentOutcome> {
    const { context, record } = this;
    const usage = outcome.kind === 'stopped' ? ZERO : outcome.usage;
    context.budget.settle(record.index, outcome.kind === 'stopped' ? null : usage);
    context.budgetChanged();
    const endedAt = context.now();
    record.status = outcome.kind === 'completed' ? 'completed' : outcome.kind === 'stopped' ? 'stopped' : 'failed';
    record.endedAt = new Date(endedAt).toISOString();
    record.durationMs = this.startedAtMs ? endedAt - this.startedAtMs : 0;
    record.usage = usage;
    if (outcome.kind === 'completed') {
      record.result = outcome.value;
      if (outcome.model) record.model = outcome.model;
    }
    if (outcome.kind === 'failed') record.error = outcome.error;
    if (outcome.kind === 'rejected') record.error = outcome.error.message;
    // R1: durable before the script sees the answer.
    await context.journal.append({
      type: 'agent-end',
      index: record.index,
      label: record.label,
      phase: record.phase,
      depth: record.depth,
      status: record.status,
      ...(outcome.kind === 'completed' ? { value: outcome.value } : {}),
      ...(record.error === undefined ? {} : { error: record.error }),
      usage,
      ...(record.model ? { model: record.model } : {}),
      startedAt: record.startedAt ?? null,
      endedAt: record.endedAt,
    });
    await this.saveRecord();
    this.emitEnd(record.status as 'completed' | 'failed' | 'stopped', usage, record.error);
    return outcome;
  }

  private emitEnd(status: 'completed' | 'failed' | 'stopped', usage: Usage, error?: string): void {
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
  if (options.model !== undefined) request.model = options.model;
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
