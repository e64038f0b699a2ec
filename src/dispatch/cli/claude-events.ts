/**
 * Claude Code's `--output-format stream-json` events, folded into what a dispatcher needs (research
 * note 3.1): the final text, the structured output, usage, the served model, the tool-call count,
 * activity lines and the error. Pure: no I/O, the same events always give the same state.
 *
 * Events used: `system/init` (model, session_id), `assistant` (message.content text / tool_use
 * blocks, message.usage), `result` (always last: subtype, is_error, result, structured_output,
 * usage, total_cost_usd, modelUsage, errors[]). Everything else (`user` tool results, `system/status`,
 * `stream_event`, `rate_limit_event`, unknown types) is counted and ignored.
 */
import type { Usage } from '../dispatcher.js';

/** Claude Code's built-in tool behind `--json-schema`; a submission, not a tool call of the agent. */
export const CLAUDE_STRUCTURED_OUTPUT_TOOL = 'StructuredOutput';

export interface ClaudeResult {
  /** `success`, `error_max_turns`, `error_during_execution`, `error_max_budget_usd`, `error_max_structured_output_retries`, … */
  subtype: string;
  isError: boolean;
  /** The final text (`result`), or on errors the CLI's message. */
  text?: string;
  structuredOutput?: unknown;
  /** `errors[]` of error results. */
  errors: string[];
  numTurns?: number;
}

export interface ClaudeState {
  sessionId?: string;
  /** The model `system/init` announced. */
  initModel?: string;
  /** The model that served the call: from `modelUsage` when the result has it, else init/assistant. */
  model?: string;
  /** Text of the last assistant message that had text (a fallback when no result arrives). */
  lastText?: string;
  result?: ClaudeResult;
  /**
   * Usage so far: the sum over assistant messages while streaming, then the result's (authoritative)
   * usage once it arrives.
   */
  usage: Usage;
  /** True once `usage` comes from the result event. */
  usageFinal: boolean;
  costUsd?: number;
  /** tool_use blocks seen (the structured-output submission excluded). */
  toolCalls: number;
  /** Every activity line so far, in order (`Read src/a.ts`, `Grep "TODO"`, a short text tail). */
  activity: string[];
  /** The error to fail with, if the run failed (an error result). */
  error?: string;
  /** Events of types this fold does not use. */
  ignored: number;
  /** Internal: tool_use ids already counted, usage per assistant message id. */
  seenToolUses: string[];
  messageUsage: Record<string, Usage>;
}

export function initialClaudeState(): ClaudeState {
  return { usage: { input: 0, output: 0, reasoning: 0 }, usageFinal: false, toolCalls: 0, activity: [], ignored: 0, seenToolUses: [], messageUsage: {} };
}

/** Folds one parsed stream-json event into the state; returns a new state (the input is not changed). */
export function foldClaudeEvent(state: ClaudeState, event: unknown): ClaudeState {
  if (!isObject(event)) return { ...state, ignored: state.ignored + 1 };
  switch (event.type) {
    case 'system':
      if (event.subtype !== 'init') return { ...state, ignored: state.ignored + 1 };
      return {
        ...state,
        ...(typeof event.session_id === 'string' ? { sessionId: event.session_id } : {}),
        ...(typeof event.model === 'string' ? { initModel: event.model, model: state.model ?? event.model } : {}),
      };
    case 'assistant':
      return foldAssistant(state, event);
    case 'result':
      return foldResult(state, event);
    default:
      return { ...state, ignored: state.ignored + 1 };
  }
}

/** Folds a whole transcript. */
export function foldClaudeEvents(events: Iterable<unknown>, state: ClaudeState = initialClaudeState()): ClaudeState {
  let current = state;
  for (const event of events) current = foldClaudeEvent(current, event);
  return current;
}

function foldAssistant(state: ClaudeState, event: Record<string, unknown>): ClaudeState {
  const message = isObject(event.message) ? event.message : {};
  const next: ClaudeState = { ...state, activity: [...state.activity], seenToolUses: state.seenToolUses };
  if (typeof message.model === 'string' && next.model === undefined && message.model !== '<synthetic>') next.model = message.model;
  const content = Array.isArray(message.content) ? message.content : [];
  const texts: string[] = [];
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      texts.push(block.text);
    } else if (block.type === 'tool_use') {
      const id = typeof block.id === 'string' ? block.id : undefined;
      if (id !== undefined && next.seenToolUses.includes(id)) continue;
      if (id !== undefined) next.seenToolUses = [...next.seenToolUses, id];
      const name = typeof block.name === 'string' ? block.name : 'tool';
      if (name === CLAUDE_STRUCTURED_OUTPUT_TOOL) {
        next.activity.push('submitting structured output');
        continue;
      }
      next.toolCalls += 1;
      next.activity.push(describeToolUse(name, isObject(block.input) ? block.input : {}));
    }
  }
  const text = texts.join('').trim();
  if (text !== '') {
    next.lastText = text;
    next.activity.push(textTail(text));
  }
  // Streaming usage: each API message's latest usage, summed. Claude Code repeats one message's
  // usage on every content block it emits separately, hence the per-id bookkeeping.
  if (!next.usageFinal && isObject(message.usage)) {
    const id = typeof message.id === 'string' ? message.id : `#${Object.keys(next.messageUsage).length}`;
    next.messageUsage = { ...next.messageUsage, [id]: anthropicUsage(message.usage) };
    next.usage = sumUsage(Object.values(next.messageUsage));
  }
  return next;
}

function foldResult(state: ClaudeState, event: Record<string, unknown>): ClaudeState {
  const subtype = typeof event.subtype === 'string' ? event.subtype : 'unknown';
  const isError = event.is_error === true || subtype !== 'success';
  const errors = Array.isArray(event.errors) ? event.errors.map((error) => (typeof error === 'string' ? error : JSON.stringify(error))) : [];
  const result: ClaudeResult = {
    subtype,
    isError,
    ...(typeof event.result === 'string' ? { text: event.result } : {}),
    ...(event.structured_output !== undefined && event.structured_output !== null ? { structuredOutput: event.structured_output } : {}),
    errors,
    ...(typeof event.num_turns === 'number' ? { numTurns: event.num_turns } : {}),
  };
  const next: ClaudeState = { ...state, result };
  if (typeof event.session_id === 'string') next.sessionId = event.session_id;
  if (isObject(event.usage)) {
    next.usage = anthropicUsage(event.usage);
    next.usageFinal = true;
  }
  if (typeof event.total_cost_usd === 'number') next.costUsd = event.total_cost_usd;
  const served = servedModel(event.modelUsage, state.initModel);
  if (served !== undefined) next.model = served;
  if (isError) {
    const detail = [result.text, ...errors].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('; ');
    // An error with subtype `success` (is_error: true) is how a refused login or an API error ends.
    next.error = subtype === 'success' ? detail || 'the CLI reported an error' : detail === '' ? subtype : `${subtype}: ${detail}`;
  }
  return next;
}

/**
 * Anthropic usage (`input_tokens` EXCLUDES the cache) in our shape (`input` includes it):
 * input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens.
 */
export function anthropicUsage(raw: Record<string, unknown>): Usage {
  const count = (key: string) => (typeof raw[key] === 'number' && Number.isFinite(raw[key]) ? (raw[key] as number) : undefined);
  const cacheRead = count('cache_read_input_tokens');
  const cacheWrite = count('cache_creation_input_tokens');
  const details = isObject(raw.output_tokens_details) ? raw.output_tokens_details : {};
  const thinking = typeof details.thinking_tokens === 'number' ? details.thinking_tokens : 0;
  const output = count('output_tokens') ?? 0;
  return {
    input: (count('input_tokens') ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    // When the API splits thinking out of output_tokens' total, keep our output reasoning-free.
    output: Math.max(0, output - thinking),
    reasoning: thinking,
    ...(cacheRead === undefined ? {} : { cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWrite }),
  };
}

function sumUsage(list: Usage[]): Usage {
  const sum: Usage = { input: 0, output: 0, reasoning: 0 };
  for (const usage of list) {
    sum.input += usage.input;
    sum.output += usage.output;
    sum.reasoning += usage.reasoning;
    if (usage.cacheRead !== undefined) sum.cacheRead = (sum.cacheRead ?? 0) + usage.cacheRead;
    if (usage.cacheWrite !== undefined) sum.cacheWrite = (sum.cacheWrite ?? 0) + usage.cacheWrite;
  }
  return sum;
}

/**
 * `modelUsage` is keyed by model id. With one key that is the model; with several (Claude Code
 * also calls a small model for housekeeping) the init model if listed, else the costliest.
 */
function servedModel(modelUsage: unknown, initModel: string | undefined): string | undefined {
  if (!isObject(modelUsage)) return undefined;
  const models = Object.keys(modelUsage);
  if (models.length <= 1) return models[0];
  if (initModel !== undefined && models.includes(initModel)) return initModel;
  const weight = (model: string) => {
    const entry = modelUsage[model];
    if (!isObject(entry)) return 0;
    return typeof entry.costUSD === 'number' ? entry.costUSD : typeof entry.outputTokens === 'number' ? entry.outputTokens : 0;
  };
  return [...models].sort((a, b) => weight(b) - weight(a))[0];
}

/** `Read src/a.ts`, `Grep "TODO" src`, `WebSearch "query"`: a tool call in one short line. */
export function describeToolUse(name: string, input: Record<string, unknown>): string {
  const str = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
  const quoted = (value: string | undefined) => (value === undefined ? undefined : JSON.stringify(clip(value, 60)));
  const parts: Array<string | undefined> = [name];
  switch (name) {
    case 'Read':
    case 'Edit':
    case 'Write':
    case 'MultiEdit':
    case 'NotebookEdit':
      parts.push(str('file_path') ?? str('notebook_path') ?? str('path'));
      break;
    case 'Grep':
    case 'Glob':
      parts.push(quoted(str('pattern')), str('path'));
      break;
    case 'WebFetch':
      parts.push(str('url'));
      break;
    case 'WebSearch':
      parts.push(quoted(str('query')));
      break;
    case 'Bash':
      parts.push(clip(str('command') ?? '', 80));
      break;
    default: {
      const first = Object.values(input).find((value) => typeof value === 'string') as string | undefined;
      if (first !== undefined) parts.push(clip(first, 60));
    }
  }
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

/** The last line of a text, clipped: what the agent is saying now. */
export function textTail(text: string, max = 100): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const last = lines[lines.length - 1] ?? '';
  return last.length > max ? `…${last.slice(last.length - max + 1)}` : last;
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
