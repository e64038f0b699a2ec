/**
 * How an agent CLI fails, sorted the way research note 3.6 sorts them: the binary is missing, it is
 * not logged in (fatal, with a hint), it hit a rate or usage limit (back off, do not spin), it broke
 * `max_tool_calls`, or it failed some other way (the CLI's own message and its stderr tail).
 * Each error may carry the tokens spent before it (`usage`): engine/agent-call.ts records them.
 */
import { WfError, type WfErrorOptions } from '../../errors.js';
import type { Usage } from '../dispatcher.js';

/** Any failure of an agent CLI run. */
export class CliError extends WfError {
  /** Tokens the CLI reported before it failed, when it reported any. */
  usage?: Usage;
  /** The CLI's stderr, last part, when it helps to explain the failure. */
  stderrTail?: string;

  constructor(code: string, message: string, options: WfErrorOptions & { usage?: Usage; stderrTail?: string } = {}) {
    super(code, message, options);
    this.name = 'CliError';
    if (options.usage !== undefined) this.usage = options.usage;
    if (options.stderrTail !== undefined && options.stderrTail !== '') this.stderrTail = options.stderrTail;
  }
}

/** The CLI's binary is not on PATH (or the configured path does not exist). */
export class CliNotFoundError extends CliError {
  readonly bin: string;

  constructor(bin: string, options: { hint?: string; cause?: unknown } = {}) {
    super('WF_CLI_MISSING', `\`${bin}\` was not found on PATH`, {
      hint: options.hint ?? `install \`${bin}\` (or set its path in config), or choose a model another dispatcher serves; \`wf doctor\` shows what is available`,
      cause: options.cause,
    });
    this.name = 'CliNotFoundError';
    this.bin = bin;
  }
}

/** The CLI is not logged in, or its key was refused. Retrying will not help. */
export class CliAuthError extends CliError {
  constructor(message: string, options: WfErrorOptions & { usage?: Usage; stderrTail?: string } = {}) {
    super('WF_CLI_AUTH', message, options);
    this.name = 'CliAuthError';
  }
}

/** The CLI hit a rate limit or its plan's usage limit. Back off for a long time; do not retry at once. */
export class CliRateLimitError extends CliError {
  constructor(message: string, options: WfErrorOptions & { usage?: Usage; stderrTail?: string } = {}) {
    super('WF_CLI_RATE_LIMIT', message, options);
    this.name = 'CliRateLimitError';
  }
}

/** The agent made more tool calls than `max_tool_calls` allows; it was stopped. */
export class ToolCallLimitError extends CliError {
  readonly limit: number;

  constructor(cli: string, limit: number, options: { usage?: Usage } = {}) {
    super('WF_MAX_TOOL_CALLS', `${cli}: the agent exceeded max_tool_calls (${limit}) and was stopped`, {
      hint: 'raise maxToolCalls for this agent, or narrow its task',
      ...options,
    });
    this.name = 'ToolCallLimitError';
    this.limit = limit;
  }
}

/** The CLI failed some other way: a non-zero exit, an error result, a stream that ended early. */
export class CliFailedError extends CliError {
  constructor(message: string, options: WfErrorOptions & { usage?: Usage; stderrTail?: string } = {}) {
    super('WF_CLI_FAILED', message, options);
    this.name = 'CliFailedError';
  }
}

const AUTH_PATTERNS = [
  /invalid api key/i,
  /incorrect api key/i,
  /invalid_api_key/i,
  /invalid x-api-key/i,
  /please run \/login/i,
  /run `?(claude|codex) login`?/i,
  /not logged in/i,
  /authentication[_ ](error|failed)/i,
  /\bauthentication\b/i,
  /\bunauthori[sz]ed\b/i,
  /oauth token (has )?(expired|revoked)/i,
  /\b401\b.*(unauthori[sz]ed|auth)/i,
];

const RATE_PATTERNS = [
  /usage limit/i,
  /rate[ _-]?limit/i,
  /hit your (usage )?limit/i,
  /limit reached/i,
  /too many requests/i,
  /\b429\b/,
  /quota exceeded|exceeded your current quota|insufficient_quota/i,
];

export type FailureKind = 'auth' | 'rate-limit' | 'other';

/** Sorts a CLI's failure message (its error text and stderr) into the three kinds of note 3.6. */
export function classifyFailure(text: string): FailureKind {
  if (AUTH_PATTERNS.some((pattern) => pattern.test(text))) return 'auth';
  if (RATE_PATTERNS.some((pattern) => pattern.test(text))) return 'rate-limit';
  return 'other';
}

/**
 * The error for a failed CLI run: `message` is shown as is; `evidence` (the CLI's messages and
 * stderr) decides the class. `loginHint` tells the user how to log this CLI in.
 */
export function cliFailure(
  message: string,
  evidence: string,
  options: { loginHint: string; usage?: Usage; stderrTail?: string },
): CliError {
  const extra = { ...(options.usage ? { usage: options.usage } : {}), ...(options.stderrTail ? { stderrTail: options.stderrTail } : {}) };
  switch (classifyFailure(`${message}\n${evidence}`)) {
    case 'auth':
      return new CliAuthError(message, { hint: options.loginHint, ...extra });
    case 'rate-limit':
      return new CliRateLimitError(message, {
        hint: 'the CLI hit a rate or usage limit: wait for it to reset (or lower the run\'s concurrency) before running again',
        ...extra,
      });
    default:
      return new CliFailedError(message, extra);
  }
}
