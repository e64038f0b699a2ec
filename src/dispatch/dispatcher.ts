/**
 * The Dispatcher contract: the one seam between the engine (which decides whether and when an
 * agent runs) and whatever answers it (a model API, an agent CLI, the scripted mock, the dry-run
 * simulator). Implementations are typed against this file and nothing else in engine/.
 *
 * Outcome rules, relied on by engine/agent-call.ts:
 * - resolve with an {@link AgentReply}: the agent completed;
 * - reject with {@link AgentStoppedError}, or reject after `signal` aborted: the agent was stopped;
 * - reject with anything else: the agent failed (its message is recorded, keys redacted).
 */
import { WfError } from '../errors.js';

/** Token counts of one agent call. Absent optional fields were not reported by the provider. */
export interface Usage {
  input: number;
  output: number;
  reasoning: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export type Effort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';
export const EFFORTS: readonly Effort[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/** One dispatch of one agent() call. A schema agent may be dispatched several times (attempts, A3). */
export interface AgentRequest {
  runId: string;
  /** The call's index in its run, assigned when the script issued the call (start order). */
  index: number;
  prompt: string;
  /** Display name; never affects the output. */
  label: string;
  phase?: string;
  /** `provider/model` or an alias; undefined means the run's default. */
  model?: string;
  /** JSON Schema (root type object) the reply must satisfy. */
  schema?: Record<string, unknown>;
  effort?: Effort;
  agentType?: string;
  isolation?: 'worktree';
  maxToolCalls?: number;
  /** 1-based attempt number for structured output (A3). */
  attempt: number;
  /** For attempt > 1: why the previous output was rejected, to be shown to the agent. */
  feedback?: string;
}

/** Progress the dispatcher reports while an agent works (streaming usage feeds `budget.spent()`). */
export type AgentEvent =
  | { type: 'usage'; usage: Usage }
  | { type: 'activity'; text: string };

export interface AgentReply {
  /** Final text, or for schema agents the submitted value (a string is parsed as a fallback, A05). */
  output: unknown;
  usage: Usage;
  /** The model the provider actually served, when known. */
  model?: string;
}

export interface Dispatcher {
  /** Short name shown in run records, e.g. `mock`, `simulate`, `openai`. */
  readonly name: string;
  run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply>;
}

/** A dispatcher's way to say "this agent was stopped, not failed" (X1: resuming runs it again). */
export class AgentStoppedError extends WfError {
  constructor(message = 'agent stopped') {
    super('WF_AGENT_STOPPED', message);
    this.name = 'AgentStoppedError';
  }
}

export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, reasoning: 0 });
