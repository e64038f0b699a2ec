/**
 * The scripted mock dispatcher: answers agents from rules instead of a model, so a workflow can be
 * tested for free and deterministically (`wf run --mock rules.json`, or `wf/testing` in a test).
 * It also records what happened (calls, completion order, concurrency) for assertions.
 *
 * Matching: the LAST rule that matches wins, so later rules (and `on()`) refine earlier ones. A
 * rule without `match`, `regex` or `when` matches everything. Without a matching answer, a text
 * agent gets `"done: <prompt>"` and a schema agent a minimal valid instance of its schema.
 */
import { WfUsageError } from '../errors.js';
import {
  AgentStoppedError,
  type AgentEvent,
  type AgentReply,
  type AgentRequest,
  type DispatchProfile,
  type Dispatcher,
  type ProfileRequest,
  type Usage,
} from '../dispatch/dispatcher.js';
import { minimalInstance } from '../schema/minimal-instance.js';
import { mockRuleProblem, type MockRule } from './mock-rule.js';

export const DEFAULT_MOCK_USAGE: Readonly<Usage> = Object.freeze({ input: 100, output: 10, reasoning: 0 });

export interface ScriptedDispatcherOptions {
  rules?: MockRule[];
  /** Shown in run records; `mock` unless told otherwise (the dry-run simulator says `simulate`). */
  name?: string;
  /** The model that serves calls that name none (default `mock`); part of the step key (C1). */
  model?: string;
  /**
   * Tools the mock pretends each agentType has. An agentType with tools reads the workspace, so
   * its step key gets the workspace fingerprint, as a real tool-using agent's would (C3).
   */
  agentTypes?: Record<string, { tools: string[] }>;
}

/** Bump when the mock's answers change for the same request (it is the mock's harness version). */
const MOCK_HARNESS_VERSION = 1;

interface ActiveRule {
  rule: MockRule;
  regex?: RegExp;
  /** How many calls this rule has answered: indexes `replies`. */
  answered: number;
}

interface HeldCall {
  request: AgentRequest;
  release: () => void;
}

export class ScriptedDispatcher implements Dispatcher {
  readonly name: string;
  /** Every request, in the order dispatches started. */
  readonly calls: AgentRequest[] = [];
  /** Every request, in the order dispatches ended (completed, failed or stopped). */
  readonly finished: AgentRequest[] = [];
  /** Dispatches in progress now, and the most there ever were at once. */
  running = 0;
  maxRunning = 0;

  private readonly rules: ActiveRule[] = [];
  private readonly heldCalls: HeldCall[] = [];
  private readonly waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];

  private readonly defaultModel: string;
  private readonly agentTypes: Record<string, { tools: string[] }>;

  constructor(options: ScriptedDispatcherOptions = {}) {
    this.name = options.name ?? 'mock';
    this.defaultModel = options.model ?? this.name;
    this.agentTypes = options.agentTypes ?? {};
    for (const rule of options.rules ?? []) this.on(rule);
  }

  /** The mock's step-key inputs: its own harness (never a real runner's), the model, the tools. */
  profile(request: ProfileRequest): DispatchProfile {
    const tools = (request.agentType === undefined ? undefined : this.agentTypes[request.agentType]?.tools) ?? [];
    return {
      harness: `${this.name}@${MOCK_HARNESS_VERSION}`,
      model: request.model ?? this.defaultModel,
      ...(tools.length ? { tools: [...tools].sort().map((name) => ({ name, digest: name })) } : {}),
      readsWorkspace: tools.length > 0,
    };
  }

  /** Adds a rule after the others, so it wins over them. Throws a WfUsageError for a bad rule. */
  on(rule: MockRule): this {
    const problem = mockRuleProblem(rule, `rules[${this.rules.length}]`, { library: true });
    if (problem) throw new WfUsageError(problem);
    this.rules.push({ rule, regex: rule.regex === undefined ? undefined : new RegExp(rule.regex), answered: 0 });
    return this;
  }

  async run(request: AgentRequest, signal: AbortSignal, onEvent: (event: AgentEvent) => void = () => undefined): Promise<AgentReply> {
    this.calls.push(request);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.notify();
    try {
      const active = this.ruleFor(request);
      // Counted at the start, so `replies` follow dispatch order even when answers overlap.
      const turn = active ? active.answered++ : 0;
      const rule: MockRule = active?.rule ?? {};
      throwIfAborted(signal);
      const usage = { ...DEFAULT_MOCK_USAGE, ...rule.usage };
      if (rule.activity?.length) await this.act(rule.activity, rule.delayMs ?? 0, usage, signal, onEvent);
      else if (rule.delayMs) await sleep(rule.delayMs, signal);
      if (rule.hold) await this.hold(request, signal);
      if (rule.stop) throw new AgentStoppedError();
      if (rule.fail !== undefined) throw new Error(rule.fail);
      const output = await outputFor(request, rule, turn);
      const model = rule.model ?? request.model ?? this.defaultModel;
      return { output, usage, ...(model === undefined ? {} : { model }) };
    } finally {
      this.running--;
      this.finished.push(request);
      this.notify();
    }
  }

  /** A rule's `activity`: its lines spread over `delayMs`, half the usage reported halfway. */
  private async act(activity: string[], delayMs: number, usage: Usage, signal: AbortSignal, onEvent: (event: AgentEvent) => void): Promise<void> {
    const step = delayMs / activity.length;
    for (const [index, text] of activity.entries()) {
      onEvent({ type: 'activity', text });
      if (index === Math.floor(activity.length / 2)) {
        onEvent({ type: 'usage', usage: { input: usage.input, output: Math.floor(usage.output / 2), reasoning: Math.floor(usage.reasoning / 2) } });
      }
      if (step > 0) await sleep(step, signal);
    }
  }

  /** Calls waiting on a `hold` rule right now. */
  get held(): number {
    return this.heldCalls.length;
  }

  /** Resolves once at least `count` dispatches have started. */
  waitForCalls(count: number): Promise<void> {
    return this.waitUntil(() => this.calls.length >= count);
  }

  /** Resolves once at least `count` calls are being held at the same time. */
  waitForHeld(count: number): Promise<void> {
    return this.waitUntil(() => this.heldCalls.length >= count);
  }

  /** Lets held calls answer: those whose prompt contains `match`, or all. Returns how many. */
  release(match?: string): number {
    const released = this.heldCalls.filter((held) => match === undefined || held.request.prompt.includes(match));
    for (const held of released) held.release();
    return released.length;
  }

  private ruleFor(request: AgentRequest): ActiveRule | undefined {
    for (let index = this.rules.length - 1; index >= 0; index--) {
      const active = this.rules[index] as ActiveRule;
      const { match, when } = active.rule;
      if (match !== undefined && !request.prompt.includes(match)) continue;
      if (active.regex && !active.regex.test(request.prompt)) continue;
      if (when && !when(request)) continue;
      return active;
    }
    return undefined;
  }

  private hold(request: AgentRequest, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const held: HeldCall = {
        request,
        release: () => {
          forget();
          resolve();
        },
      };
      const onAbort = () => {
        forget();
        reject(new AgentStoppedError());
      };
      const forget = () => {
        signal.removeEventListener('abort', onAbort);
        const index = this.heldCalls.indexOf(held);
        if (index >= 0) this.heldCalls.splice(index, 1);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.heldCalls.push(held);
      this.notify();
    });
  }

  private waitUntil(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (!waiter.ready()) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

async function outputFor(request: AgentRequest, rule: MockRule, turn: number): Promise<unknown> {
  const { replies } = rule;
  const scripted = replies ? replies[Math.min(turn, replies.length - 1)] : rule.reply;
  const value: unknown = typeof scripted === 'function' ? await scripted(request) : scripted;
  if (request.schema) return value === undefined ? minimalInstance(request.schema) : value;
  if (value === undefined) return `done: ${request.prompt}`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AgentStoppedError();
}

/** setTimeout that an abort cuts short with AgentStoppedError (the dispatcher contract). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AgentStoppedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
