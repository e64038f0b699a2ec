/**
 * `isolation: 'worktree'` for any dispatcher: a request asking for it runs in a fresh git worktree
 * of the current HEAD (see worktree.ts), passed to the inner dispatcher as `request.cwd`; every
 * other request goes to the inner dispatcher untouched, without a single git call.
 */
import path from 'node:path';
import { messageOf } from '../errors.js';
import type { AgentEvent, AgentReply, AgentRequest, Dispatcher, WorktreeChange } from './dispatcher.js';
import { createAgentWorktree, type AgentWorktree } from './worktree.js';

/**
 * Wraps `inner` so that isolated requests run in a worktree of the repository holding
 * `projectRoot`. The wrapper keeps the inner dispatcher's name and profile (the working directory
 * is not part of a step key). After the agent ends (completed, failed or stopped) an unchanged
 * worktree is removed; a changed one is kept and returned as `reply.worktree`, or named in the
 * error's message ("changes kept in <path>") when the agent failed.
 */
export function withWorktrees(inner: Dispatcher, projectRoot: string): Dispatcher {
  const wrapped: Dispatcher = {
    name: inner.name,
    run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply> {
      if (request.isolation !== 'worktree') return inner.run(request, signal, onEvent);
      return runIsolated(inner, projectRoot, request, signal, onEvent);
    },
  };
  if (inner.profile) {
    const profile = inner.profile.bind(inner);
    return { ...wrapped, profile };
  }
  return wrapped;
}

async function runIsolated(
  inner: Dispatcher,
  projectRoot: string,
  request: AgentRequest,
  signal: AbortSignal,
  onEvent: ((event: AgentEvent) => void) | undefined,
): Promise<AgentReply> {
  const worktree = await createAgentWorktree({ projectRoot, runId: request.runId, index: request.index, label: request.label, signal });
  onEvent?.({ type: 'activity', text: `worktree ${displayPath(worktree)}` });
  let reply: AgentReply;
  try {
    reply = await inner.run({ ...request, cwd: worktree.path }, signal, onEvent);
  } catch (error) {
    const change = await finishQuietly(worktree, onEvent);
    if (change) {
      onEvent?.({ type: 'warning', message: `the agent's changes were kept in ${change.path}` });
      throw withKeptPath(error, change.path);
    }
    throw error;
  }
  const change = await finishQuietly(worktree, onEvent);
  return change ? { ...reply, worktree: change } : reply;
}

/** `finish()`, with a failure reported as a warning: the agent's own outcome is what counts. */
async function finishQuietly(worktree: AgentWorktree, onEvent: ((event: AgentEvent) => void) | undefined): Promise<WorktreeChange | undefined> {
  try {
    return await worktree.finish();
  } catch (error) {
    onEvent?.({ type: 'warning', message: `worktree ${worktree.path} was left in place: ${messageOf(error)}` });
    return undefined;
  }
}

/**
 * The error with "(changes kept in <path>)" appended to its message. The error itself is kept (its
 * class and code decide how the engine records the outcome); only a value that is not an Error,
 * or one whose message cannot be changed, is wrapped in a new Error with the original as `cause`.
 */
function withKeptPath(error: unknown, keptPath: string): unknown {
  const note = ` (changes kept in ${keptPath})`;
  if (error instanceof Error) {
    try {
      error.message += note;
      if (error.message.endsWith(note)) return error;
    } catch {
      // frozen or a getter-only message: wrapped below
    }
  }
  return new Error(`${messageOf(error)}${note}`, { cause: error });
}

/** The worktree's path relative to its repository (`.boocode/worktrees/<run>/<n>-<label>`). */
function displayPath(worktree: AgentWorktree): string {
  const relative = path.relative(worktree.repository, worktree.path);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? worktree.path : relative;
}
