/** Pieces both agent-CLI dispatchers share: model specs, prompts, the watched process run. */
import { WfUsageError } from '../../errors.js';
import { AgentStoppedError, type AgentEvent, type AgentRequest, type Usage } from '../dispatcher.js';
import { runAgentProcess, type AgentProcessOptions, type AgentProcessResult } from './agent-process.js';
import { ToolCallLimitError } from './errors.js';

/**
 * The model part of `<provider>/<model>`: undefined (the CLI's own default) for no model, the bare
 * provider name, or `<provider>/default`. A bare name without `/` (`sonnet`) is taken as the model.
 */
export function cliModel(provider: string, spec: string | undefined): string | undefined {
  if (spec === undefined || spec === '' || spec === provider || spec === `${provider}/default`) return undefined;
  if (spec.startsWith(`${provider}/`)) return spec.slice(provider.length + 1);
  if (spec.includes('/')) {
    throw new WfUsageError(`the ${provider} dispatcher cannot serve model "${spec}"`, {
      hint: `write ${provider}/<model> (or ${provider}/default), or pick a dispatcher for "${spec.slice(0, spec.indexOf('/'))}"`,
    });
  }
  return spec;
}

/** The prompt as sent: the rejection of the previous attempt appended (A3). */
export function promptWithFeedback(request: AgentRequest): string {
  if (request.feedback === undefined || request.feedback === '') return request.prompt;
  return `${request.prompt}\n\nYour previous answer was rejected: ${request.feedback}\nAnswer again, correcting that.`;
}

/** What both CLIs' event folds keep that the run itself watches. */
export interface FoldedState {
  activity: string[];
  usage: Usage;
  toolCalls: number;
}

export interface FoldedRun<S extends FoldedState> {
  /** Short CLI name for errors (`claude`, `codex`). */
  cli: string;
  process: Omit<AgentProcessOptions, 'signal' | 'onLine'>;
  signal: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** Tool calls allowed; one more stops the process (`max_tool_calls`). */
  limit: number;
  initial: S;
  fold: (state: S, event: unknown) => S;
}

/**
 * Runs an agent CLI, folding its JSONL events into a state, forwarding activity and usage as they
 * come, and stopping it once it makes more tool calls than allowed. Throws AgentStoppedError after
 * an abort and ToolCallLimitError past the limit; otherwise returns the final state and exit.
 */
export async function runFolded<S extends FoldedState>(run: FoldedRun<S>): Promise<{ state: S; result: AgentProcessResult }> {
  if (run.signal.aborted) throw new AgentStoppedError();
  const pump = eventPump(run.onEvent);
  const { controller, unlink } = linkedController(run.signal);
  let state = run.initial;
  let overLimit = false;
  let result: AgentProcessResult;
  try {
    result = await runAgentProcess({
      ...run.process,
      signal: controller.signal,
      onLine: (event) => {
        if (overLimit) return;
        state = run.fold(state, event);
        pump(state.activity, state.usage);
        if (state.toolCalls > run.limit) {
          overLimit = true;
          controller.abort();
        }
      },
    });
  } finally {
    unlink();
  }
  if (run.signal.aborted) throw new AgentStoppedError();
  if (overLimit) throw new ToolCallLimitError(run.cli, run.limit, { usage: state.usage });
  return { state, result };
}

/** An AbortController that follows `outer` and can also be aborted on its own (the tool-call limit). */
function linkedController(outer: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  return { controller, unlink: () => outer.removeEventListener('abort', forward) };
}

/** Emits the activity lines added since the last call and usage when it changed. */
function eventPump(onEvent: ((event: AgentEvent) => void) | undefined): (activity: string[], usage: Usage) => void {
  let emitted = 0;
  let lastUsage = '';
  return (activity, usage) => {
    if (!onEvent) return;
    for (; emitted < activity.length; emitted++) {
      const text = activity[emitted]!;
      if (text !== '') onEvent({ type: 'activity', text });
    }
    const key = JSON.stringify(usage);
    if (key !== lastUsage && (usage.input > 0 || usage.output > 0 || usage.reasoning > 0)) {
      lastUsage = key;
      onEvent({ type: 'usage', usage });
    }
  };
}

/** The last `max` characters of a stderr tail, trimmed, for an error message. */
export function tailForMessage(stderrTail: string, max = 2000): string {
  const trimmed = stderrTail.trim();
  return trimmed.length > max ? `…${trimmed.slice(trimmed.length - max)}` : trimmed;
}
