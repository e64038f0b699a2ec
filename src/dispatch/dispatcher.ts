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

/**
 * Token counts of one agent call, summed over its model turns. Absent optional fields were not
 * reported by the provider (absent is not zero).
 */
export interface Usage {
  /** Every prompt token, cache reads and writes included (Anthropic's split is added back up). */
  input: number;
  /** Output tokens, reasoning excluded. */
  output: number;
  /** Reasoning ("thinking") tokens; 0 when the provider reports none. */
  reasoning: number;
  /** The part of `input` read from the provider's prompt cache. */
  cacheRead?: number;
  /** The part of `input` written to the provider's prompt cache. */
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
  /** True when `model` is the run's default rather than the call's own choice (an agentType's model then wins). */
  modelIsDefault?: boolean;
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
  /**
   * The run's limit on structured-output attempts (A3, default 5). A dispatcher that validates
   * submissions inside one conversation may use up to `maxAttempts - attempt + 1` of them and
   * reports how many it used in {@link AgentReply.attempts}.
   */
  maxAttempts?: number;
  /**
   * The directory the agent works in: the project root, or its git worktree under
   * `isolation: 'worktree'`. File tools are confined to it; agent CLIs run in it.
   */
  cwd?: string;
}

/** Progress the dispatcher reports while an agent works (streaming usage feeds `budget.spent()`). */
export type AgentEvent =
  | { type: 'usage'; usage: Usage }
  /** What the agent is doing now: a tool call (`read_file src/a.ts`) or a short tail of its text. */
  | { type: 'activity'; text: string }
  /** Something the user should know that does not fail the agent (a retry, a provider pausing on 429). */
  | { type: 'warning'; message: string };

/** A worktree an `isolation: 'worktree'` agent changed; it is kept for the user to inspect. */
export interface WorktreeChange {
  path: string;
  /** `git diff --stat` of the agent's changes against the commit the worktree started from. */
  diffStat: string;
}

export interface AgentReply {
  /** Final text, or for schema agents the submitted value (a string is parsed as a fallback, A05). */
  output: unknown;
  usage: Usage;
  /** The model the provider actually served, when known. */
  model?: string;
  /** Structured-output submissions validated inside the conversation (counted against A3's limit). */
  attempts?: number;
  /** Tool calls the agent made. */
  toolCalls?: number;
  /** Cost reported by the runner itself (agent CLIs do); otherwise computed from the price table. */
  costUsd?: number;
  /** Set when an isolated agent left changes in its worktree. */
  worktree?: WorktreeChange;
}

/** The parts of a request a dispatcher needs to describe what it would run. */
export type ProfileRequest = Pick<AgentRequest, 'model' | 'modelIsDefault' | 'schema' | 'effort' | 'agentType' | 'isolation' | 'maxToolCalls'>;

/**
 * What a dispatcher will run for a request: the inputs of the step key (spec C1) that only the
 * dispatcher knows. Two requests with equal profiles (and equal prompts and options) must produce
 * interchangeable outputs; anything that can change the output belongs here.
 */
export interface DispatchProfile {
  /** `<runner>@<behaviour version>`, bumped by hand when the preamble or tool loop changes. */
  harness: string;
  /** The model that will serve the call, resolved (never an alias such as `*-latest`). */
  model: string;
  /** Output-affecting parameters only (temperature, top_p, max_tokens, seed, …). */
  params?: Record<string, unknown>;
  /** Digest of the system prompt or agent definition the call runs with. */
  system?: string;
  /** Tools the agent can call, each with a digest of its definition. */
  tools?: Array<{ name: string; digest: string }>;
  /** The agent can read the workspace (file tools, an agent CLI): its key gets a workspace fingerprint (C3). */
  readsWorkspace: boolean;
}

export interface Dispatcher {
  /** Short name shown in run records, e.g. `mock`, `simulate`, `openai`. */
  readonly name: string;
  run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply>;
  /** Describes what `run` would do with `request` (C1). Without it, see {@link profileOf}. */
  profile?(request: ProfileRequest): DispatchProfile | Promise<DispatchProfile>;
}

/**
 * The dispatcher's profile of a request. A dispatcher without `profile` is keyed by its name and
 * the requested model, and treated as reading the workspace (the safe assumption for an unknown
 * runner: an edit never gets a stale answer).
 */
export async function profileOf(dispatcher: Dispatcher, request: ProfileRequest): Promise<DispatchProfile> {
  if (dispatcher.profile) return dispatcher.profile(request);
  return { harness: `${dispatcher.name}@0`, model: request.model ?? dispatcher.name, readsWorkspace: true };
}

/** A dispatcher's way to say "this agent was stopped, not failed" (X1: resuming runs it again). */
export class AgentStoppedError extends WfError {
  constructor(message = 'agent stopped') {
    super('WF_AGENT_STOPPED', message);
    this.name = 'AgentStoppedError';
  }
}

export const ZERO_USAGE: Usage = Object.freeze({ input: 0, output: 0, reasoning: 0 });

/** The sum of two usages; the cache fields stay absent unless one of them has them. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { input: a.input + b.input, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
  if (a.cacheRead !== undefined || b.cacheRead !== undefined) sum.cacheRead = (a.cacheRead ?? 0) + (b.cacheRead ?? 0);
  if (a.cacheWrite !== undefined || b.cacheWrite !== undefined) sum.cacheWrite = (a.cacheWrite ?? 0) + (b.cacheWrite ?? 0);
  return sum;
}

/** Every token of a usage: prompt (cache included), output and reasoning, as `wf run` counts them. */
export function totalTokens(usage: Usage | undefined): number {
  return usage ? usage.input + usage.output + usage.reasoning : 0;
}
