/** Agent CLIs (Claude Code, Codex) as dispatchers, and the pieces they are built from. */
import { execFile } from 'node:child_process';

export { createClaudeCodeDispatcher, claudeArgs, claudePreamble, CLAUDE_CODE_HARNESS, CLAUDE_ENV, CLAUDE_READ_ONLY_TOOLS, CLAUDE_WORKTREE_TOOLS, type ClaudeCodeOptions } from './claude-code.js';
export { createCodexDispatcher, codexArgs, codexPreamble, CODEX_HARNESS, CODEX_ENV, type CodexOptions } from './codex.js';
export { runAgentProcess, resolveBinary, childEnv, type AgentProcessOptions, type AgentProcessResult } from './agent-process.js';
export { foldClaudeEvent, foldClaudeEvents, initialClaudeState, anthropicUsage, describeToolUse, CLAUDE_STRUCTURED_OUTPUT_TOOL, type ClaudeState, type ClaudeResult } from './claude-events.js';
export { foldCodexEvent, foldCodexEvents, initialCodexState, codexUsage, CODEX_TOOL_ITEMS, type CodexState } from './codex-events.js';
export { toStrictSchema, stripNullOptionals } from './strict-schema.js';
export {
  CliError,
  CliNotFoundError,
  CliAuthError,
  CliRateLimitError,
  CliFailedError,
  ToolCallLimitError,
  classifyFailure,
  type FailureKind,
} from './errors.js';

/**
 * The first line `<bin> --version` prints (`2.1.3 (Claude Code)`, `codex-cli 0.46.0`), or
 * undefined when the binary is missing, fails, or takes more than 5 s. Cache it per run (note 3.6).
 */
export function cliVersion(bin: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile(bin, ['--version'], { env, timeout: 5000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, encoding: 'utf8' }, (error, stdout) => {
        if (error) return resolve(undefined);
        const line = stdout
          .split('\n')
          .map((part) => part.trim())
          .find((part) => part !== '');
        resolve(line);
      });
    } catch {
      resolve(undefined);
    }
  });
}
