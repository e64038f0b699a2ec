/**
 * The `claude-code` dispatcher: each agent is one `claude -p` run (research note 3.1), prompt on
 * stdin, `stream-json` events on stdout.
 *
 * Posture: read-only by default (`--tools` and `--allowedTools` Read, Grep, Glob, WebFetch,
 * WebSearch with `--permission-mode dontAsk`, which denies anything not pre-approved instead of
 * asking, and `--strict-mcp-config` so that no configured MCP server adds tools). An `isolation: 'worktree'` agent runs in its own worktree (`request.cwd`) and may also
 * Edit and Write there (`--permission-mode acceptEdits`). Never `bypassPermissions`, never
 * `IS_SANDBOX`: as root the CLI refuses bypass mode, and setting IS_SANDBOX would claim an
 * isolation that does not exist.
 *
 * `max_tool_calls` is enforced here (Claude Code has only `--max-turns`): tool_use blocks are
 * counted as they stream, and the process group is stopped when the count goes over.
 */
import { sha256Hex } from '../../cache/canonical-json.js';
import type { AgentEvent, AgentReply, AgentRequest, DispatchProfile, Dispatcher, ProfileRequest } from '../dispatcher.js';
import { childEnv, type AgentProcessResult } from './agent-process.js';
import { foldClaudeEvent, initialClaudeState, type ClaudeState } from './claude-events.js';
import { cliModel, promptWithFeedback, runFolded, tailForMessage } from './common.js';
import { CliFailedError, cliFailure } from './errors.js';

export interface ClaudeCodeOptions {
  /** The `claude` binary: a name on PATH or a path. Default `claude`. */
  bin?: string;
  /** The environment the child's allowlisted environment is taken from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where agents run when a request has no `cwd`. */
  projectRoot: string;
  /** Between SIGTERM and SIGKILL when an agent is stopped. Default 3000 ms. */
  graceMs?: number;
}

export const CLAUDE_CODE_HARNESS = 'claude-code@1';
export const CLAUDE_READ_ONLY_TOOLS = ['Read', 'Grep', 'Glob', 'WebFetch', 'WebSearch'] as const;
export const CLAUDE_WORKTREE_TOOLS = [...CLAUDE_READ_ONLY_TOOLS, 'Edit', 'Write'] as const;
/** The CLI's own variables, passed on top of the common allowlist (agent-process.ts). */
export const CLAUDE_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CONFIG_DIR', 'CLAUDE_CODE_*'];
const DEFAULT_MAX_TOOL_CALLS = 50;
const PROVIDER = 'claude-code';

const LOGIN_HINT = 'log the claude CLI in (run `claude` once and use /login) or set ANTHROPIC_API_KEY, then run again; `wf doctor` checks it';
const NOT_FOUND_HINT = 'install Claude Code (npm install -g @anthropic-ai/claude-code) or set cli.claude.bin in config, or choose a model another dispatcher serves; `wf doctor` shows what is available';

/** The system prompt appended to Claude Code's own, by posture and output kind. */
export function claudePreamble(request: Pick<ProfileRequest, 'schema' | 'isolation'>): string {
  const lines = [
    'You are running non-interactively as one step of an automated workflow.',
    'No human will read your messages or reply to questions: do not ask for clarification or confirmation; make reasonable assumptions and finish the task with the tools you have.',
    'Your final message is read by a program as data: make it the complete answer, with no greeting, preamble or sign-off.',
    request.isolation === 'worktree'
      ? 'You work in your own git worktree (the current directory) and may edit and create files in it; your changes are kept for review.'
      : 'You can read files and search the web, but not change anything: do not try to edit files or run commands.',
  ];
  if (request.schema) lines.push('Give your final answer by calling the structured output tool with a value that matches the requested JSON schema, not as text.');
  return lines.join('\n');
}

export function createClaudeCodeDispatcher(options: ClaudeCodeOptions): Dispatcher {
  const bin = options.bin ?? 'claude';

  const profile = (request: ProfileRequest): DispatchProfile => {
    const model = cliModel(PROVIDER, request.model);
    const tools = request.isolation === 'worktree' ? CLAUDE_WORKTREE_TOOLS : CLAUDE_READ_ONLY_TOOLS;
    return {
      harness: CLAUDE_CODE_HARNESS,
      model: `${PROVIDER}/${model ?? 'default'}`,
      tools: tools.map((name) => ({ name, digest: name })),
      readsWorkspace: true,
      system: sha256Hex(claudePreamble(request)),
    };
  };

  const run = async (request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply> => {
    const limit = request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
    const { state, result } = await runFolded<ClaudeState>({
      cli: 'claude',
      process: {
        bin,
        args: claudeArgs(request),
        cwd: request.cwd ?? options.projectRoot,
        env: childEnv(options.env ?? process.env, CLAUDE_ENV),
        stdin: promptWithFeedback(request),
        notFoundHint: NOT_FOUND_HINT,
        ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
      },
      signal,
      ...(onEvent ? { onEvent } : {}),
      limit,
      initial: initialClaudeState(),
      fold: foldClaudeEvent,
    });
    return replyFrom(state, result, request);
  };

  return { name: PROVIDER, run, profile };
}

/** The argv of one run (exported for tests and `wf explain`). */
export function claudeArgs(request: Pick<AgentRequest, 'model' | 'schema' | 'isolation'>): string[] {
  const model = cliModel(PROVIDER, request.model);
  const isolated = request.isolation === 'worktree';
  const tools = (isolated ? CLAUDE_WORKTREE_TOOLS : CLAUDE_READ_ONLY_TOOLS).join(',');
  const args = [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    isolated ? 'acceptEdits' : 'dontAsk',
    '--tools',
    tools,
    '--allowedTools',
    tools,
    '--append-system-prompt',
    claudePreamble(request),
    '--no-session-persistence',
    // No MCP servers from the user's config: their tools are outside `--tools`, so outside the posture.
    '--strict-mcp-config',
  ];
  if (model !== undefined) args.push('--model', model);
  if (request.schema) args.push('--json-schema', JSON.stringify(request.schema));
  return args;
}

function replyFrom(state: ClaudeState, exit: AgentProcessResult, request: AgentRequest): AgentReply {
  const usage = state.usage;
  const stderrTail = tailForMessage(exit.stderrTail);
  const result = state.result;
  if (result?.isError) {
    throw cliFailure(`claude: ${state.error ?? result.subtype}`, `${state.lastText ?? ''}\n${stderrTail}`, { loginHint: LOGIN_HINT, usage, stderrTail });
  }
  if (result === undefined) {
    const how =
      exit.exitCode !== null && exit.exitCode !== 0
        ? `exited with code ${exit.exitCode}`
        : exit.signal !== null
          ? `was killed by ${exit.signal}`
          : 'ended without a result';
    const detail = stderrTail !== '' ? stderrTail : state.lastText ?? '';
    throw cliFailure(`claude ${how}${detail === '' ? '' : `: ${detail}`}`, `${state.lastText ?? ''}\n${stderrTail}`, { loginHint: LOGIN_HINT, usage, stderrTail });
  }
  let output: unknown = result.text ?? '';
  if (request.schema && result.structuredOutput !== undefined) output = result.structuredOutput;
  if (!request.schema && result.text === undefined && state.lastText === undefined) {
    throw new CliFailedError('claude: the result had no text', { usage });
  }
  if (!request.schema && result.text === undefined) output = state.lastText;
  return {
    output,
    usage,
    ...(state.model === undefined ? {} : { model: state.model }),
    ...(state.costUsd === undefined ? {} : { costUsd: state.costUsd }),
    toolCalls: state.toolCalls,
  };
}
