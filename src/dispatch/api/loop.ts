/**
 * wf's own agent loop around the AI SDK (research notes §4.1). The SDK is the wire: each model turn
 * is exactly ONE `streamText` call (one step; tools are declared without `execute`, so the SDK hands
 * tool calls back to us). Everything else is ours: the tool budget, structured output through a
 * submit tool, retries and the provider limiter, usage accounting, cancellation.
 *
 * One turn:
 *   withRetry( limiter.run( streamText → fullStream ) )   — a stream that fails midway is retried
 *   whole; partial text is discarded.
 *   → append the turn's assistant message (the SDK's `response.messages`)
 *   → no tool calls: done (schema agents get one nudge first)
 *   → submit_result calls: validate; a valid one ends the loop
 *   → other tool calls: run them ourselves (in order, up to 4 at a time) and append ONE `tool`
 *     message with a result per call, errors included.
 *
 * Tool budget (`maxToolCalls`, default 50): once spent, each further turn offers no tool but
 * submit_result (forced for schema agents) and the conversation is sent with earlier tool calls and
 * results written out as text, because Anthropic rejects tool blocks in a request that declares no
 * tools. A safety cap of 2 × budget + 4 turns ends a loop that never finishes.
 */
import { jsonSchema, streamText, type JSONSchema7, type LanguageModel, type LanguageModelUsage, type ModelMessage, type ToolChoice, type ToolResultPart, type ToolSet } from 'ai';
import { messageOf } from '../../errors.js';
import { validatorFor, type Validator } from '../../schema/index.js';
import type { AgentEvent, AgentReply, AgentRequest, Usage } from '../dispatcher.js';
import type { ProviderLimiter } from '../provider-limiter.js';
import { redactSecrets } from '../redact.js';
import { RetryAfterTooLongError, StreamEndedError, classifyError, formatSeconds, withRetry, type ErrorClassification, type RetryInfo, type RetryOptions } from '../retry.js';
import { ToolError, type AgentTool, type ToolContext } from '../tools/tool.js';
import { AgentLoopError, ProviderAuthError, ProviderError, ProviderQuotaError, ProviderRateLimitError } from './errors.js';
import type { ProviderOptions } from './models.js';
import {
  NUDGE_MESSAGE,
  SUBMIT_TOOL_DESCRIPTION,
  SUBMIT_TOOL_NAME,
  budgetSpentMessage,
  buildUserPrompt,
  invalidSubmissionMessage,
} from './preamble.js';
import { normaliseUsage, sumUsage } from './usage.js';

export const DEFAULT_MAX_TOOL_CALLS = 50;
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Tool calls of one turn run at most this many at a time. */
export const TOOL_PARALLELISM = 4;
/** The text tail is reported at most this often. */
const TAIL_INTERVAL_MS = 250;
const TAIL_CHARS = 80;

export interface LoopOptions {
  model: LanguageModel;
  /** Provider name as in model specs (`openai`), for messages and the reply's model. */
  provider: string;
  modelId: string;
  system: string;
  request: AgentRequest;
  tools: readonly AgentTool[];
  toolContext: ToolContext;
  providerOptions?: ProviderOptions;
  limiter: ProviderLimiter;
  retry?: Partial<RetryOptions>;
  /** Redacted from every message this loop produces. */
  secrets: readonly string[];
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
  now: () => number;
  /**
   * SDK warnings already reported (shared by all agents of a dispatcher), so a warning such as
   * "unknown model, max tokens limited" is shown once, not once per agent.
   */
  reportedWarnings?: Set<string>;
}

interface ToolCallInfo {
  id: string;
  name: string;
  input: unknown;
  /** The SDK could not parse the arguments (invalid JSON) or does not know the tool. */
  invalid: boolean;
  error?: unknown;
}

interface TurnResult {
  text: string;
  calls: ToolCallInfo[];
  usage: LanguageModelUsage | undefined;
  modelId?: string;
  messages: ModelMessage[];
}

interface TurnSpec {
  messages: ModelMessage[];
  tools?: ToolSet;
  toolChoice?: ToolChoice<ToolSet>;
}

export async function runAgentLoop(options: LoopOptions): Promise<AgentReply> {
  return new AgentLoop(options).run();
}

class AgentLoop {
  private readonly budget: number;
  private readonly maxTurns: number;
  private readonly allowedSubmissions: number;
  private readonly schema?: Record<string, unknown>;
  private readonly tools = new Map<string, AgentTool>();
  private readonly validators = new Map<string, Validator>();
  private readonly messages: ModelMessage[] = [];
  private usage: Usage = { input: 0, output: 0, reasoning: 0 };
  private executed = 0;
  private submissions = 0;
  private servedModel?: string;
  private lastTail = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LoopOptions) {
    const { request } = options;
    this.budget = Math.max(0, request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS);
    this.maxTurns = 2 * this.budget + 4;
    this.allowedSubmissions = Math.max(1, (request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - request.attempt + 1);
    if (request.schema) this.schema = request.schema;
    for (const tool of options.tools) {
      // With a schema, the submit tool's name is ours.
      if (this.schema && tool.name === SUBMIT_TOOL_NAME) continue;
      this.tools.set(tool.name, tool);
    }
    this.messages.push({ role: 'user', content: buildUserPrompt(request.prompt, request.feedback) });
  }

  async run(): Promise<AgentReply> {
    let nudged = false;
    let budgetNoticeSent = false;
    for (let turn = 1; turn <= this.maxTurns; turn += 1) {
      const spent = this.executed >= this.budget;
      if (spent && !budgetNoticeSent && this.budget > 0) {
        this.messages.push({ role: 'user', content: budgetSpentMessage(this.budget, this.schema !== undefined) });
        budgetNoticeSent = true;
      }
      const result = await this.turn(this.turnSpec(spent));
      this.messages.push(...result.messages.filter((message) => message.role !== 'tool'));

      if (result.calls.length === 0) {
        if (!this.schema) return this.reply(result.text);
        if (!nudged) {
          nudged = true;
          this.messages.push({ role: 'user', content: NUDGE_MESSAGE });
          continue;
        }
        // Second text answer: hand the text over; the engine accepts JSON in text (A05).
        return this.reply(result.text, this.submissions + 1);
      }

      const results = new Map<string, ToolResultPart['output']>();
      const submitted = this.schema ? this.handleSubmissions(result.calls, results) : undefined;
      if (submitted) return this.reply(submitted.value, this.submissions);
      await this.runTools(
        result.calls.filter((call) => !(this.schema && call.name === SUBMIT_TOOL_NAME)),
        results,
      );
      this.messages.push({
        role: 'tool',
        content: result.calls.map((call) => ({ type: 'tool-result', toolCallId: call.id, toolName: call.name, output: results.get(call.id)! })),
      });
    }
    throw new AgentLoopError(
      `${this.label()}: the agent did not finish within ${this.maxTurns} model turns (tool budget ${this.budget}, ${this.executed} tool calls made)`,
      { hint: 'the model kept calling tools or sending invalid answers; try a stronger model, a clearer prompt or a smaller task' },
    );
  }

  /** The tools and messages of the next turn. */
  private turnSpec(spent: boolean): TurnSpec {
    const submitTool: ToolSet = {};
    if (this.schema) submitTool[SUBMIT_TOOL_NAME] = { description: SUBMIT_TOOL_DESCRIPTION, inputSchema: jsonSchema(this.schema as JSONSchema7) };
    if (!spent) {
      const tools: ToolSet = { ...submitTool };
      for (const tool of this.tools.values()) {
        if (tool.name in tools) continue;
        tools[tool.name] = { description: tool.description, inputSchema: jsonSchema(tool.inputSchema as JSONSchema7) };
      }
      return { messages: this.messages, ...(Object.keys(tools).length > 0 ? { tools } : {}) };
    }
    // Budget spent: earlier tool traffic is written out as text (see the header comment).
    const messages = flattenToolTraffic(this.messages);
    if (!this.schema) return { messages };
    return { messages, tools: submitTool, toolChoice: { type: 'tool', toolName: SUBMIT_TOOL_NAME } };
  }

  /**
   * Validates submit_result calls in order. Returns the answer when one is valid, or when the
   * submissions allowed to this dispatch are used up (the last invalid value: the engine validates
   * it again and reports the failure with it). Otherwise records an error result per submission.
   */
  private handleSubmissions(calls: ToolCallInfo[], results: Map<string, ToolResultPart['output']>): { value: unknown } | undefined {
    const validate = validatorFor(this.schema);
    for (const call of calls) {
      if (call.name !== SUBMIT_TOOL_NAME) continue;
      this.submissions += 1;
      let problem: string;
      if (call.invalid || !isRecord(call.input)) {
        problem = argumentProblem(call);
      } else {
        const verdict = validate(call.input);
        if (verdict.ok) return { value: call.input };
        problem = verdict.errors;
      }
      this.activity(`${SUBMIT_TOOL_NAME} (rejected)`);
      if (this.submissions >= this.allowedSubmissions) return { value: call.input };
      results.set(call.id, { type: 'error-text', value: invalidSubmissionMessage(problem) });
    }
    return undefined;
  }

  /** Runs tool calls (up to the budget), in order, a few at a time; every call gets a result. */
  private async runTools(calls: ToolCallInfo[], results: Map<string, ToolResultPart['output']>): Promise<void> {
    const planned: ToolCallInfo[] = [];
    for (const call of calls) {
      // A call past the budget (several calls in the turn that spends it, or a call to a tool that
      // was no longer offered) is answered, not run.
      if (this.executed + planned.length < this.budget) planned.push(call);
      else {
        this.activity(`${describeCall(call)} (not run: tool budget spent)`);
        results.set(call.id, { type: 'error-text', value: `not run: the tool-call budget (${this.budget}) is spent; answer with what you have` });
      }
    }
    this.executed += planned.length;
    await mapLimit(planned, TOOL_PARALLELISM, async (call) => {
      results.set(call.id, await this.runTool(call));
    });
  }

  private async runTool(call: ToolCallInfo): Promise<ToolResultPart['output']> {
    const { signal } = this.options;
    const tool = this.tools.get(call.name);
    this.activity(describeCall(call));
    if (!tool) {
      const known = [...this.tools.keys()].join(', ') || 'none';
      return { type: 'error-text', value: `unknown tool "${call.name}"; the available tools are: ${known}` };
    }
    if (call.invalid || !isRecord(call.input)) {
      return { type: 'error-text', value: `invalid arguments for ${call.name}: ${argumentProblem(call)}. Send the arguments as a JSON object matching the tool's input schema.` };
    }
    let validate = this.validators.get(tool.name);
    if (!validate) {
      validate = validatorFor(tool.inputSchema);
      this.validators.set(tool.name, validate);
    }
    const verdict = validate(call.input);
    if (!verdict.ok) return { type: 'error-text', value: `invalid arguments for ${call.name}: ${verdict.errors}` };
    signal.throwIfAborted();
    try {
      const text = await tool.execute(call.input, this.options.toolContext);
      return { type: 'text', value: text === '' ? '(no output)' : text };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = ToolError.isInstance(error) ? error.message : `${call.name} failed: ${messageOf(error)}`;
      return { type: 'error-text', value: this.redact(message) };
    }
  }

  /** One model turn: retried, and run inside the provider's limiter. */
  private async turn(spec: TurnSpec): Promise<TurnResult> {
    const { limiter, signal, retry } = this.options;
    let attempts = 1;
    try {
      const result = await withRetry(() => limiter.run(() => this.streamTurn(spec), signal), {
        ...retry,
        signal,
        onRetry: (info) => {
          attempts = info.attempt + 1;
          this.onRetry(info);
        },
      });
      this.usage = sumUsage(this.usage, normaliseUsage(result.usage));
      if (result.modelId) this.servedModel = result.modelId;
      this.options.onEvent({ type: 'usage', usage: { ...this.usage } });
      return result;
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.providerError(error, attempts);
    }
  }

  private async streamTurn(spec: TurnSpec): Promise<TurnResult> {
    const { signal } = this.options;
    const result = streamText({
      model: this.options.model,
      system: this.options.system,
      messages: spec.messages,
      ...(spec.tools ? { tools: spec.tools } : {}),
      ...(spec.toolChoice ? { toolChoice: spec.toolChoice } : {}),
      ...(this.options.providerOptions ? { providerOptions: this.options.providerOptions } : {}),
      // Retries are ours (withRetry), one level only.
      maxRetries: 0,
      abortSignal: signal,
      // Errors are read from fullStream; the default handler would print them.
      onError: () => undefined,
    });
    let text = '';
    const calls: ToolCallInfo[] = [];
    let finished: { usage: LanguageModelUsage; modelId?: string } | undefined;
    for await (const part of result.fullStream) {
      switch (part.type) {
        case 'text-delta':
          text += part.text;
          this.tail(text);
          break;
        case 'tool-call':
          calls.push({ id: part.toolCallId, name: part.toolName, input: part.input, invalid: part.invalid === true, ...(part.error === undefined ? {} : { error: part.error }) });
          break;
        case 'start-step':
          for (const warning of part.warnings) this.sdkWarning(warning);
          break;
        case 'finish-step':
          finished = { usage: part.usage, ...(part.response.modelId ? { modelId: part.response.modelId } : {}) };
          if (part.finishReason === 'length') {
            this.options.onEvent({ type: 'warning', message: `${this.label()}: the reply hit the output token limit and was cut off` });
          }
          break;
        case 'error':
          throw part.error instanceof Error ? part.error : new ProviderStreamError(part.error);
        case 'abort':
          signal.throwIfAborted();
          throw new StreamEndedError('the response stream was aborted');
        default:
          break;
      }
    }
    signal.throwIfAborted();
    if (!finished) throw new StreamEndedError();
    const response = await result.response;
    return { text, calls, usage: finished.usage, ...(finished.modelId ? { modelId: finished.modelId } : {}), messages: response.messages };
  }

  private sdkWarning(warning: { type: string; feature?: string; details?: string; message?: string }): void {
    const text = warning.type === 'other' ? warning.message : `${warning.feature}${warning.details ? `: ${warning.details}` : ` is ${warning.type === 'unsupported' ? 'not supported' : 'used in a compatibility mode'}`}`;
    const message = this.redact(`${this.label()}: ${text ?? 'warning'}`);
    const seen = this.options.reportedWarnings;
    if (seen) {
      if (seen.has(message)) return;
      seen.add(message);
    }
    this.options.onEvent({ type: 'warning', message });
  }

  private onRetry(info: RetryInfo): void {
    const { provider, limiter } = this.options;
    const { classification } = info;
    const status = classification.status === undefined ? '' : ` (${classification.status})`;
    if (info.fromServer && (classification.kind === 'rate' || classification.kind === 'overloaded')) {
      limiter.pauseFor(info.delayMs);
      const what = classification.kind === 'rate' ? 'rate limited' : 'overloaded';
      this.options.onEvent({ type: 'warning', message: `${provider}: ${what}${status}; pausing new requests for ${formatSeconds(info.delayMs)}` });
      return;
    }
    this.options.onEvent({
      type: 'warning',
      message: `${provider}: ${describeKind(classification)}${status}; retrying in ${formatSeconds(info.delayMs)} (retry ${info.attempt} of ${info.maxRetries})`,
    });
  }

  /** A failed turn as a wf error naming provider and model, with the key redacted. */
  private providerError(error: unknown, attempts: number): Error {
    const details = { provider: this.options.provider, model: this.options.modelId };
    if (error instanceof RetryAfterTooLongError) {
      const c = error.classification;
      return new ProviderRateLimitError(
        this.redact(`${this.label()}: ${error.message}`),
        { ...details, kind: c.kind, ...(c.status === undefined ? {} : { status: c.status }), retryAfterMs: error.retryAfterMs, attempts },
        { hint: 'try again later, or lower the concurrency for this provider in the config' },
      );
    }
    const c: ErrorClassification = classifyError(error);
    const status = c.status === undefined ? '' : ` (${c.status})`;
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    const base = { ...details, kind: c.kind, ...(c.status === undefined ? {} : { status: c.status }), attempts };
    const provider = this.options.provider;
    switch (c.kind) {
      case 'auth':
        return new ProviderAuthError(this.redact(`${this.label()}: the provider refused the request${status}: ${c.message}`), base, {
          hint: `check the API key configured for provider "${provider}" and that it has access to model "${this.options.modelId}"`,
        });
      case 'quota':
        return new ProviderQuotaError(this.redact(`${this.label()}: quota or billing limit reached${status}: ${c.message}`), base, {
          hint: `the account behind provider "${provider}" has no quota or credit left; retrying will not help until it is topped up`,
        });
      case 'rate':
        return new ProviderRateLimitError(this.redact(`${this.label()}: still rate limited${after}${status}: ${c.message}`), base, {
          hint: 'lower the concurrency for this provider in the config, or try again later',
        });
      case 'client':
        return new ProviderError(this.redact(`${this.label()}: the provider rejected the request${status}: ${c.message}`), base, {
          hint: c.status === 404 ? `check that model "${this.options.modelId}" exists on provider "${provider}"` : 'the request was refused as invalid; this is usually a model or server that does not support tool calling',
        });
      default:
        return new ProviderError(this.redact(`${this.label()}: ${describeKind(c)}${after}${status}: ${c.message}`), base, {
          ...(c.retryable ? { hint: 'the provider may be having trouble; try again later' } : {}),
        });
    }
  }

  private reply(output: unknown, attempts?: number): AgentReply {
    return {
      output,
      usage: { ...this.usage },
      model: `${this.options.provider}/${this.servedModel ?? this.options.modelId}`,
      toolCalls: this.executed,
      ...(attempts === undefined ? {} : { attempts }),
    };
  }

  private tail(text: string): void {
    const now = this.options.now();
    if (now - this.lastTail < TAIL_INTERVAL_MS) return;
    const line = text.replace(/\s+/g, ' ').trim();
    if (line === '') return;
    this.lastTail = now;
    this.activity(line.length > TAIL_CHARS ? `…${line.slice(-TAIL_CHARS)}` : line);
  }

  private activity(text: string): void {
    this.options.onEvent({ type: 'activity', text: this.redact(text) });
  }

  private redact(text: string): string {
    return redactSecrets(text, this.options.secrets);
  }

  private label(): string {
    return `${this.options.provider}/${this.options.modelId}`;
  }
}

/** An SSE `error` event the provider sent after a 200 (`{type: 'overloaded_error', message}`). */
export class ProviderStreamError extends Error {
  readonly data: unknown;

  constructor(data: unknown) {
    const message = isRecord(data) && typeof data.message === 'string' ? data.message : `stream error: ${safeJson(data)}`;
    super(message);
    this.name = 'ProviderStreamError';
    this.data = data;
  }
}

/**
 * The conversation with every tool call and tool result written out as text, for a request that
 * declares no tools (or only submit_result). The model still sees what it did and what it learned.
 */
export function flattenToolTraffic(messages: readonly ModelMessage[]): ModelMessage[] {
  const flat: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      if (typeof message.content === 'string') {
        flat.push(message);
        continue;
      }
      const lines: string[] = [];
      for (const part of message.content) {
        if (part.type === 'text') lines.push(part.text);
        else if (part.type === 'tool-call') lines.push(`[called ${part.toolName} ${safeJson(part.input)}]`);
      }
      const text = lines.filter((line) => line !== '').join('\n');
      if (text !== '') flat.push({ role: 'assistant', content: text });
    } else if (message.role === 'tool') {
      const lines: string[] = [];
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        const output = part.output;
        const body =
          output.type === 'text' || output.type === 'error-text'
            ? output.value
            : output.type === 'json' || output.type === 'error-json'
              ? safeJson(output.value)
              : output.type === 'execution-denied'
                ? (output.reason ?? 'denied')
                : safeJson(output.value);
        const error = output.type === 'error-text' || output.type === 'error-json';
        lines.push(`[${error ? 'error from' : 'result of'} ${part.toolName}]\n${body}`);
      }
      if (lines.length > 0) flat.push({ role: 'user', content: lines.join('\n\n') });
    } else {
      flat.push(message);
    }
  }
  return flat;
}

/** `read_file src/a.ts`, `web_fetch https://…`, `grep "foo"`. */
export function describeCall(call: { name: string; input: unknown }): string {
  if (!isRecord(call.input)) return call.name;
  const input = call.input;
  const quoted = ['pattern', 'query'];
  for (const key of ['path', 'url', 'pattern', 'query', 'file', 'glob', 'dir', 'name']) {
    const value = input[key];
    if (typeof value === 'string' && value !== '') {
      const shown = value.length > 100 ? `${value.slice(0, 99)}…` : value;
      return `${call.name} ${quoted.includes(key) ? JSON.stringify(shown) : shown}`;
    }
  }
  return call.name;
}

/** Why a tool call's arguments could not be used, in one line. */
function argumentProblem(call: ToolCallInfo): string {
  if (typeof call.input === 'string') {
    try {
      JSON.parse(call.input);
    } catch (error) {
      return `they are not valid JSON (${messageOf(error)})`;
    }
  }
  if (call.invalid) return messageOf(call.error).split('\n')[0]!;
  return 'they must be a JSON object';
}

function describeKind(c: ErrorClassification): string {
  switch (c.kind) {
    case 'rate':
      return 'rate limited';
    case 'overloaded':
      return 'overloaded';
    case 'server':
      return 'server error';
    case 'network':
      return 'connection failed';
    case 'auth':
      return 'authentication failed';
    case 'quota':
      return 'quota exhausted';
    case 'client':
      return 'request rejected';
    case 'aborted':
      return 'aborted';
    default:
      return 'request failed';
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
