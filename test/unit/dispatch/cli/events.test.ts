import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldClaudeEvent, foldClaudeEvents, initialClaudeState, anthropicUsage } from '../../../../src/dispatch/cli/claude-events.js';
import { foldCodexEvents, codexUsage } from '../../../../src/dispatch/cli/codex-events.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');
const events = (path: string): unknown[] =>
  readFileSync(join(FIXTURES, path), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

describe('Claude Code stream-json folding', () => {
  it('a text success: result text, usage with the cache added back into input, cost, served model', () => {
    const state = foldClaudeEvents(events('claude/2.1.x/success-text.jsonl'));
    expect(state.result).toMatchObject({ subtype: 'success', isError: false, text: 'The project has three modules:\n- parser\n- engine\n- cli' });
    expect(state.error).toBeUndefined();
    expect(state.usage).toEqual({ input: 3 + 1520 + 13890, output: 24, reasoning: 0, cacheRead: 13890, cacheWrite: 1520 });
    expect(state.usageFinal).toBe(true);
    expect(state.costUsd).toBeCloseTo(0.0105807);
    expect(state.model).toBe('claude-sonnet-4-5-20250929');
    expect(state.sessionId).toBe('3f0c9a52-7d1e-4b8a-9a0e-2c61f5d7e001');
    expect(state.toolCalls).toBe(0);
    expect(state.activity).toEqual(['- cli']);
    expect(state.ignored).toBe(1); // the rate_limit_event
  });

  it('a schema success: structured_output, the StructuredOutput submission not counted as a tool call', () => {
    const state = foldClaudeEvents(events('claude/2.1.x/success-schema.jsonl'));
    expect(state.result?.structuredOutput).toEqual({ verdict: 'approve', issues: [] });
    expect(state.toolCalls).toBe(1);
    expect(state.activity).toEqual(['Read /work/project/src/a.ts', 'submitting structured output']);
    expect(state.model).toBe('claude-haiku-4-5-20251001');
    expect(state.usage).toEqual({ input: 22 + 2060 + 2000, output: 70, reasoning: 0, cacheRead: 2000, cacheWrite: 2060 });
  });

  it('tool use: every tool_use block counted once, activity lines, streaming usage summed per message id', () => {
    const all = events('claude/2.1.x/tool-use.jsonl');
    const beforeResult = foldClaudeEvents(all.slice(0, -1));
    expect(beforeResult.toolCalls).toBe(3);
    expect(beforeResult.activity).toEqual([
      'Let me look for the TODOs.',
      'Grep "TODO" src',
      'Read src/a.ts',
      'WebFetch https://example.com/spec',
      'One TODO, in src/a.ts line 1.',
    ]);
    // msg_01ToolA is reported twice (text, then tool_use); its usage counts once, at its latest.
    expect(beforeResult.usage).toEqual({ input: 13005 + 13208 + 13356, output: 90 + 60 + 15, reasoning: 0, cacheRead: 10000 + 13000 + 13200, cacheWrite: 3000 + 200 + 150 });
    expect(beforeResult.usageFinal).toBe(false);
    const state = foldClaudeEvent(beforeResult, all[all.length - 1]);
    expect(state.usage).toEqual({ input: 19 + 3350 + 36200, output: 165, reasoning: 0, cacheRead: 36200, cacheWrite: 3350 });
    // Two models in modelUsage: the one init announced wins over the housekeeping model.
    expect(state.model).toBe('claude-sonnet-4-5-20250929');
    expect(state.result?.text).toBe('One TODO, in src/a.ts line 1.');
    expect(state.ignored).toBe(2 + 1 + 1); // user ×2, system/status, tool_progress
  });

  it('a tool_use block repeated with the same id is counted once', () => {
    const block = { type: 'assistant', message: { id: 'm1', content: [{ type: 'tool_use', id: 't1', name: 'Glob', input: { pattern: '**/*.ts' } }] } };
    const state = foldClaudeEvents([block, block]);
    expect(state.toolCalls).toBe(1);
    expect(state.activity).toEqual(['Glob "**/*.ts"']);
  });

  it('error_max_structured_output_retries: an error with the subtype and the CLI message', () => {
    const state = foldClaudeEvents(events('claude/2.1.x/error_max_structured_output_retries.jsonl'));
    expect(state.result?.isError).toBe(true);
    expect(state.error).toBe('error_max_structured_output_retries: Failed to provide valid structured output after 5 attempts');
    expect(state.toolCalls).toBe(0);
    expect(state.costUsd).toBeCloseTo(0.031);
  });

  it('a refused login: is_error with subtype success gives the message alone', () => {
    const state = foldClaudeEvents(events('claude/2.1.x/auth-failure.jsonl'));
    expect(state.error).toBe('Invalid API key · Please run /login');
    // The synthetic assistant message is not a served model; modelUsage is empty.
    expect(state.model).toBe('claude-sonnet-4-5-20250929');
    expect(state.usage).toEqual({ input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 });
  });

  it('unknown and malformed events are ignored without changing anything else', () => {
    const state = foldClaudeEvents([{ type: 'brand_new_event', data: 1 }, 42, null, { type: 'assistant' }, { type: 'result' }]);
    expect(state.ignored).toBe(3);
    expect(state.toolCalls).toBe(0);
    expect(state.result?.subtype).toBe('unknown');
    expect(foldClaudeEvent(initialClaudeState(), { type: 'stream_event', event: {} })).toMatchObject({ ignored: 1, activity: [] });
  });

  it('anthropicUsage keeps cache fields absent when not reported, and splits thinking tokens out', () => {
    expect(anthropicUsage({ input_tokens: 10, output_tokens: 5 })).toEqual({ input: 10, output: 5, reasoning: 0 });
    expect(anthropicUsage({ input_tokens: 10, output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } })).toEqual({ input: 10, output: 20, reasoning: 30 });
  });
});

describe('Codex exec --json folding', () => {
  it('a success: last agent message, usage (input includes cached, output without reasoning), tool calls', () => {
    const state = foldCodexEvents(events('codex/0.x/success.jsonl'));
    expect(state.finalText).toBe('The entry point is `main` in src/cli.ts (line 12).');
    expect(state.error).toBeUndefined();
    expect(state.usage).toEqual({ input: 24763, output: 122 - 64, reasoning: 64, cacheRead: 24448 });
    expect(state.toolCalls).toBe(2); // the command (started + completed = 1) and the web search
    expect(state.activity).toEqual([`$ bash -lc 'rg -n "export function main" src'`, 'WebSearch "node readline crlfDelay"', 'The entry point is `main` in src/cli.ts (line 12).']);
    expect(state.threadId).toBe('0199a213-81c0-7800-8aa1-bbab2a035a53');
    expect(state.turns).toBe(1);
  });

  it('schema output arrives as the agent message text', () => {
    const state = foldCodexEvents(events('codex/0.x/schema.jsonl'));
    expect(JSON.parse(state.finalText!)).toEqual({ verdict: 'approve', issues: [{ file: 'src/a.ts', line: null, note: 'rename' }], summary: null });
    expect(state.usage).toEqual({ input: 9000, output: 100, reasoning: 200, cacheRead: 0 });
  });

  it('turn.failed fails with its message; earlier error events do not hide it', () => {
    const state = foldCodexEvents(events('codex/0.x/turn-failed.jsonl'));
    expect(state.error).toBe('exceeded retry limit, last status: 401 Unauthorized');
    expect(state.errorFatal).toBe(true);
    expect(state.finalText).toBeUndefined();
  });

  it('an error event fails the run unless a turn completes after it', () => {
    const failed = foldCodexEvents([{ type: 'turn.started' }, { type: 'error', message: 'stream error' }]);
    expect(failed.error).toBe('stream error');
    const recovered = foldCodexEvents([
      { type: 'error', message: 'Reconnecting... 1/5' },
      { type: 'item.completed', item: { id: 'a', type: 'agent_message', text: 'done' } },
      { type: 'turn.completed', usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1 } },
    ]);
    expect(recovered.error).toBeUndefined();
    expect(recovered.warnings).toEqual(['Reconnecting... 1/5']);
  });

  it('the older item_type / assistant_message spelling; the last completed message wins; unknown events ignored', () => {
    const state = foldCodexEvents(events('codex/0.x/old-spelling.jsonl'));
    expect(state.finalText).toBe('There are two entries: README.md and src.');
    expect(state.toolCalls).toBe(1);
    expect(state.usage).toEqual({ input: 5000, output: 50, reasoning: 0, cacheRead: 1000 });
    expect(state.ignored).toBe(1); // session.configured
  });

  it('an agent message only counts once completed; mcp calls are tool calls; file changes are not', () => {
    const state = foldCodexEvents([
      { type: 'item.started', item: { id: 'm', type: 'agent_message', text: 'partial' } },
      { type: 'item.started', item: { id: 'x', type: 'mcp_tool_call', server: 'docs', tool: 'search', status: 'in_progress' } },
      { type: 'item.completed', item: { id: 'x', type: 'mcp_tool_call', server: 'docs', tool: 'search', status: 'completed' } },
      { type: 'item.completed', item: { id: 'f', type: 'file_change', changes: [{ path: 'src/a.ts', kind: 'update' }], status: 'completed' } },
      { type: 'item.completed', item: { id: 'e', type: 'error', message: 'command timed out' } },
    ]);
    expect(state.finalText).toBeUndefined();
    expect(state.toolCalls).toBe(1);
    expect(state.activity).toEqual(['docs.search', 'edit src/a.ts', 'error: command timed out']);
    expect(state.warnings).toEqual(['command timed out']);
    expect(state.error).toBeUndefined();
  });

  it('usage of several turns is summed; cache writes are kept when reported', () => {
    const state = foldCodexEvents([
      { type: 'turn.completed', usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 30, reasoning_output_tokens: 10 } },
      { type: 'turn.completed', usage: { input_tokens: 200, cached_input_tokens: 100, output_tokens: 20, reasoning_output_tokens: 0, cache_write_input_tokens: 5 } },
    ]);
    expect(state.usage).toEqual({ input: 300, output: 40, reasoning: 10, cacheRead: 140, cacheWrite: 5 });
    expect(codexUsage({ input_tokens: 7, output_tokens: 3 })).toEqual({ input: 7, output: 3, reasoning: 0 });
  });
});

describe('classifyFailure', () => {
  it('sorts CLI failure messages into auth, rate limit and other', async () => {
    const { classifyFailure } = await import('../../../../src/dispatch/cli/errors.js');
    expect(classifyFailure('Invalid API key · Please run /login')).toBe('auth');
    expect(classifyFailure('Not logged in')).toBe('auth');
    expect(classifyFailure('unexpected status 401 Unauthorized: Incorrect API key provided')).toBe('auth');
    expect(classifyFailure('API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired"}}')).toBe('auth');
    expect(classifyFailure('Claude AI usage limit reached|1767225600')).toBe('rate-limit');
    expect(classifyFailure("You've hit your usage limit. Upgrade to Pro")).toBe('rate-limit');
    expect(classifyFailure('exceeded retry limit, last status: 429 Too Many Requests')).toBe('rate-limit');
    expect(classifyFailure('error_max_turns')).toBe('other');
    expect(classifyFailure('claude exited with code 1: TypeError: x is undefined')).toBe('other');
  });
});
