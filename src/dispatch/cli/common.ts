/** Pieces both agent-CLI dispatchers share: model specs, prompts, aborts, events. */
import { createHash } from 'node:crypto';
import { WfUsageError } from '../../errors.js';
import type { AgentEvent, AgentRequest, Usage } from '../dispatcher.js';

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

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An AbortController that follows `outer` and can also be aborted on its own (the tool-call limit). */
export function linkedController(outer: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  return { controller, unlink: () => outer.removeEventListener('abort', forward) };
}

/** Emits the activity lines added since the last call and usage when it changed. */
export function eventPump(onEvent: ((event: AgentEvent) => void) | undefined): (activity: string[], usage: Usage) => void {
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
