/**
 * `codex exec --json` events, folded into what a dispatcher needs (research note 3.2). Pure.
 *
 * Events used: `thread.started{thread_id}`, `turn.started`, `item.started|updated|completed{item}`,
 * `turn.completed{usage}`, `turn.failed{error}`, `error{message}`. The item kind is `item.type`
 * (older builds: `item.item_type`): `agent_message{text}` (older: `assistant_message`), `reasoning`,
 * `command_execution{command}`, `file_change{changes}`, `mcp_tool_call{server, tool}`,
 * `web_search{query}`, `todo_list`, `error{message}`. Unknown events and items are ignored.
 *
 * Final text: the last COMPLETED agent message.
 *
 * Usage (`turn.completed.usage`, one per turn, summed): `input_tokens` already includes
 * `cached_input_tokens`, so `input` = input_tokens and `cacheRead` = cached_input_tokens
 * (`cacheWrite` = cache_write_input_tokens in builds that report it). Codex copies the Responses
 * API's counts, where `output_tokens` INCLUDES the reasoning tokens
 * (`output_tokens_details.reasoning_tokens` is a part of it; Codex's own context-window figure is
 * total minus reasoning). Our `output` excludes reasoning, so `output` = output_tokens −
 * reasoning_output_tokens (never below 0) and `reasoning` = reasoning_output_tokens (0 when absent,
 * as in builds before it was reported).
 *
 * Errors: `turn.failed` fails the run. An `error` event fails it too unless a turn completes after
 * it (Codex has reported stream retries such as "Reconnecting… 1/5" as error events); such an error
 * becomes a warning.
 */
import type { Usage } from '../dispatcher.js';
import { textTail } from './claude-events.js';

/** Item kinds counted against `max_tool_calls`. */
export const CODEX_TOOL_ITEMS = new Set(['command_execution', 'mcp_tool_call', 'web_search']);

export interface CodexState {
  threadId?: string;
  /** The last completed agent message. */
  finalText?: string;
  usage: Usage;
  /** Turns that completed. */
  turns: number;
  toolCalls: number;
  activity: string[];
  /** The error to fail with, if the run failed. */
  error?: string;
  /** True when `error` came from `turn.failed` (a later event cannot clear it). */
  errorFatal: boolean;
  /** Errors that did not fail the run (non-fatal error items, errors a completed turn outlived). */
  warnings: string[];
  ignored: number;
  /** Internal: item ids counted as tool calls, item ids already described in `activity`. */
  countedItems: string[];
  describedItems: string[];
}

export function initialCodexState(): CodexState {
  return { usage: { input: 0, output: 0, reasoning: 0 }, errorFatal: false, turns: 0, toolCalls: 0, activity: [], warnings: [], ignored: 0, countedItems: [], describedItems: [] };
}

export function foldCodexEvent(state: CodexState, event: unknown): CodexState {
  if (!isObject(event)) return { ...state, ignored: state.ignored + 1 };
  switch (event.type) {
    case 'thread.started':
      return typeof event.thread_id === 'string' ? { ...state, threadId: event.thread_id } : state;
    case 'turn.started':
      return state;
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return isObject(event.item) ? foldItem(state, event.item, event.type === 'item.completed') : { ...state, ignored: state.ignored + 1 };
    case 'turn.completed': {
      const next: CodexState = { ...state, turns: state.turns + 1 };
      if (isObject(event.usage)) next.usage = addUsage(state.usage, codexUsage(event.usage));
      // A turn that completed after an error event outlived it: the error was transient.
      if (state.error !== undefined && !state.errorFatal) {
        next.warnings = [...state.warnings, state.error];
        delete next.error;
      }
      return next;
    }
    case 'turn.failed':
      return { ...state, error: errorMessage(event.error) ?? 'the turn failed', errorFatal: true };
    case 'error':
      if (state.errorFatal) return state;
      return { ...state, error: errorMessage(event) ?? 'codex reported an error' };
    default:
      return { ...state, ignored: state.ignored + 1 };
  }
}

export function foldCodexEvents(events: Iterable<unknown>, state: CodexState = initialCodexState()): CodexState {
  let current = state;
  for (const event of events) current = foldCodexEvent(current, event);
  return current;
}

function foldItem(state: CodexState, item: Record<string, unknown>, completed: boolean): CodexState {
  const kind = typeof item.type === 'string' ? item.type : typeof item.item_type === 'string' ? item.item_type : undefined;
  const id = typeof item.id === 'string' ? item.id : undefined;
  switch (kind) {
    case 'agent_message':
    case 'assistant_message': {
      if (!completed || typeof item.text !== 'string') return state;
      const tail = textTail(item.text);
      return { ...state, finalText: item.text, activity: tail === '' ? state.activity : [...state.activity, tail] };
    }
    case 'command_execution':
    case 'mcp_tool_call':
    case 'web_search':
    case 'file_change': {
      let next = state;
      // A tool call is counted once: when first seen (by id), or when completed if it has no id.
      if (CODEX_TOOL_ITEMS.has(kind) && (id === undefined ? completed : !state.countedItems.includes(id))) {
        next = { ...next, toolCalls: next.toolCalls + 1, countedItems: id === undefined ? next.countedItems : [...next.countedItems, id] };
      }
      const line = describeItem(kind, item);
      if (line !== undefined && (id === undefined ? completed : !next.describedItems.includes(id))) {
        next = { ...next, activity: [...next.activity, line], describedItems: id === undefined ? next.describedItems : [...next.describedItems, id] };
      }
      return next;
    }
    case 'error': {
      if (!completed) return state;
      const message = errorMessage(item) ?? 'error';
      return { ...state, warnings: [...state.warnings, message], activity: [...state.activity, `error: ${message}`] };
    }
    case 'reasoning':
    case 'todo_list':
      return state;
    default:
      return { ...state, ignored: state.ignored + 1 };
  }
}

/** One line for a tool item, or undefined while it has nothing to show yet (a search without its query). */
function describeItem(kind: string, item: Record<string, unknown>): string | undefined {
  const clip = (text: string, max: number) => {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  };
  switch (kind) {
    case 'command_execution':
      return typeof item.command === 'string' ? `$ ${clip(item.command, 80)}` : undefined;
    case 'mcp_tool_call':
      return `${typeof item.server === 'string' ? `${item.server}.` : ''}${typeof item.tool === 'string' ? item.tool : 'tool'}`;
    case 'web_search':
      return typeof item.query === 'string' && item.query !== '' ? `WebSearch ${JSON.stringify(clip(item.query, 60))}` : undefined;
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isObject) : [];
      const paths = changes.map((change) => (typeof change.path === 'string' ? change.path : '')).filter((path) => path !== '');
      return paths.length === 0 ? undefined : `edit ${clip(paths.join(', '), 80)}`;
    }
    default:
      return undefined;
  }
}

/** `turn.completed.usage` in our shape (see the file comment). */
export function codexUsage(raw: Record<string, unknown>): Usage {
  const count = (key: string) => (typeof raw[key] === 'number' && Number.isFinite(raw[key]) ? (raw[key] as number) : undefined);
  const reasoning = count('reasoning_output_tokens') ?? 0;
  const cacheRead = count('cached_input_tokens');
  const cacheWrite = count('cache_write_input_tokens');
  return {
    input: count('input_tokens') ?? 0,
    output: Math.max(0, (count('output_tokens') ?? 0) - reasoning),
    reasoning,
    ...(cacheRead === undefined ? {} : { cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWrite }),
  };
}

function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { input: a.input + b.input, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
  if (a.cacheRead !== undefined || b.cacheRead !== undefined) sum.cacheRead = (a.cacheRead ?? 0) + (b.cacheRead ?? 0);
  if (a.cacheWrite !== undefined || b.cacheWrite !== undefined) sum.cacheWrite = (a.cacheWrite ?? 0) + (b.cacheWrite ?? 0);
  return sum;
}

function errorMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isObject(value)) return undefined;
  if (typeof value.message === 'string' && value.message !== '') return value.message;
  if (isObject(value.error)) return errorMessage(value.error);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
