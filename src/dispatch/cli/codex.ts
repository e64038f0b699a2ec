/**
 * The `codex` dispatcher: each agent is one `codex exec --json … -` run (research note 3.2), the
 * prompt (our preamble first) on stdin, JSONL events on stdout.
 *
 * Posture: `--sandbox read-only`, or `workspace-write` for an `isolation: 'worktree'` agent (which
 * runs in its own worktree, `request.cwd`); `approval_policy="never"` so nothing waits for a human.
 * A schema goes to `--output-schema` in its strict-mode form (strict-schema.ts), written to a temp
 * file that is removed afterwards; the final message is parsed as JSON and the nulls the strict
 * form made the model write for absent optional fields are removed again.
 *
 * `max_tool_calls` counts command executions, MCP tool calls and web searches; over it, the process
 * group is stopped and the agent fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../cache/canonical-json.js';
import { AgentStoppedError, type AgentEvent, type AgentReply, type AgentRequest, type DispatchProfile, type Dispatcher, type Effort, type ProfileRequest } from '../dispatcher.js';
import { childEnv, type AgentProcessResult } from './agent-process.js';
import { foldCodexEvent, initialCodexState, type CodexState } from './codex-events.js';
import { cliModel, promptWithFeedback, runFolded, tailForMessage } from './common.js';
import { CliFailedError, cliFailure } from './errors.js';
import { stripNullOptionals, toStrictSchema } from './strict-schema.js';

export interface CodexOptions {
  /** The `codex` binary: a name on PATH or a path. Default `codex`. */
  bin?: string;
  /** The environment the child's allowlisted environment is taken from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where agents run when a request has no `cwd`. */
  projectRoot: string;
  /** Between SIGTERM and SIGKILL when an agent is stopped. Default 3000 ms. */
  graceMs?: number;
}

export const CODEX_HARNESS = 'codex@1';
/** The CLI's own variables, passed on top of the common allowlist (agent-process.ts). */
export const CODEX_ENV = ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME'];
const DEFAULT_MAX_TOOL_CALLS = 50;
const PROVIDER = 'codex';

const LOGIN_HINT = 'log the codex CLI in (`codex login`) or set CODEX_API_KEY / OPENAI_API_KEY, then run again; `wf doctor` checks it';
const NOT_FOUND_HINT = 'install the Codex CLI (npm install -g @openai/codex) or set cli.codex.bin in config, or choose a model another dispatcher serves; `wf doctor` shows what is available';

/** Codex's `model_reasoning_effort` for our effort levels (Codex has no level above `xhigh`). */
const REASONING_EFFORT: Record<Effort, string> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' };

/** The instructions put before the prompt (Codex has no flag to append to its system prompt). */
export function codexPreamble(request: Pick<ProfileRequest, 'schema' | 'isolation'>): string {
  const lines = [
    'You are running non-interactively as one step of an automated workflow.',
    'No human will read your messages or reply to questions: do not ask for clarification or confirmation; make reasonable assumptions and finish the task.',
    'Your final message is read by a program as data: make it the complete answer, with no greeting, preamble or sign-off.',
    request.isolation === 'worktree'
      ? 'You work in your own git worktree (the current directory) and may edit and create files in it; your changes are kept for review.'
      : 'You have read-only access: read and search, but do not try to change files.',
  ];
  if (request.schema) {
    lines.push('Your final message must be one JSON value matching the given output schema, with nothing around it. Use null for an optional field you have no value for.');
  }
  return lines.join('\n');
}

export function createCodexDispatcher(options: CodexOptions): Dispatcher {
  const bin = options.bin ?? 'codex';

  const profile = (request: ProfileRequest): DispatchProfile => {
    const model = cliModel(PROVIDER, request.model);
    const sandbox = sandboxFor(request);
    return {
      harness: CODEX_HARNESS,
      model: `${PROVIDER}/${model ?? 'default'}`,
      ...(request.effort === undefined ? {} : { params: { reasoningEffort: REASONING_EFFORT[request.effort] } }),
      tools: [{ name: 'shell', digest: `sandbox=${sandbox}` }],
      readsWorkspace: true,
      system: sha256Hex(codexPreamble(request)),
    };
  };

  const run = async (request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void): Promise<AgentReply> => {
    if (signal.aborted) throw new AgentStoppedError();
    const cwd = request.cwd ?? options.projectRoot;
    let schemaDir: string | undefined;
    try {
      let schemaFile: string | undefined;
      if (request.schema) {
        schemaDir = await mkdtemp(join(tmpdir(), 'wf-codex-'));
        schemaFile = join(schemaDir, 'output-schema.json');
        await writeFile(schemaFile, JSON.stringify(toStrictSchema(request.schema)));
      }
      const { state, result } = await runFolded<CodexState>({
        cli: 'codex',
        process: {
          bin,
          args: codexArgs(request, cwd, schemaFile),
          cwd,
          env: childEnv(options.env ?? process.env, CODEX_ENV),
          stdin: `${codexPreamble(request)}\n\n${promptWithFeedback(request)}`,
          notFoundHint: NOT_FOUND_HINT,
          ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
        },
        signal,
        ...(onEvent ? { onEvent } : {}),
        limit: request.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS,
        initial: initialCodexState(),
        fold: foldCodexEvent,
      });
      for (const warning of state.warnings) onEvent?.({ type: 'warning', message: `codex: ${warning}` });
      return replyFrom(state, result, request);
    } finally {
      if (schemaDir !== undefined) await rm(schemaDir, { recursive: true, force: true }).catch(() => undefined);
    }
  };

  return { name: PROVIDER, run, profile };
}

function sandboxFor(request: Pick<ProfileRequest, 'isolation'>): string {
  return request.isolation === 'worktree' ? 'workspace-write' : 'read-only';
}

/** The argv of one run (exported for tests and `wf explain`). `schemaFile` holds the strict schema. */
export function codexArgs(request: Pick<AgentRequest, 'model' | 'effort' | 'isolation'>, cwd: string, schemaFile?: string): string[] {
  const model = cliModel(PROVIDER, request.model);
  const args = ['exec', '--json', '--sandbox', sandboxFor(request), '--skip-git-repo-check', '--cd', cwd];
  if (model !== undefined) args.push('--model', model);
  if (schemaFile !== undefined) args.push('--output-schema', schemaFile);
  args.push('-c', 'approval_policy="never"');
  if (request.effort !== undefined) args.push('-c', `model_reasoning_effort="${REASONING_EFFORT[request.effort]}"`);
  args.push('-');
  return args;
}

function replyFrom(state: CodexState, exit: AgentProcessResult, request: AgentRequest): AgentReply {
  const usage = state.usage;
  const stderrTail = tailForMessage(exit.stderrTail);
  if (state.error !== undefined) {
    throw cliFailure(`codex: ${state.error}`, stderrTail, { loginHint: LOGIN_HINT, usage, stderrTail });
  }
  const failedExit = (exit.exitCode !== null && exit.exitCode !== 0) || exit.signal !== null;
  if (failedExit || state.finalText === undefined) {
    const how =
      exit.exitCode !== null && exit.exitCode !== 0
        ? `exited with code ${exit.exitCode}`
        : exit.signal !== null
          ? `was killed by ${exit.signal}`
          : 'finished without a final message';
    throw cliFailure(`codex ${how}${stderrTail === '' ? '' : `: ${stderrTail}`}`, stderrTail, { loginHint: LOGIN_HINT, usage, stderrTail });
  }
  let output: unknown = state.finalText;
  if (request.schema) {
    try {
      output = stripNullOptionals(JSON.parse(state.finalText.trim()), request.schema);
    } catch {
      // Not bare JSON: the engine looks for JSON in the text (A05) and, failing that, asks again.
      output = state.finalText;
    }
  }
  if (output === '') throw new CliFailedError('codex: the final message was empty', { usage });
  const model = cliModel(PROVIDER, request.model);
  return {
    output,
    usage,
    ...(model === undefined ? {} : { model }),
    toolCalls: state.toolCalls,
  };
}
