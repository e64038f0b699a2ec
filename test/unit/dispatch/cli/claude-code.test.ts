import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClaudeCodeDispatcher } from '../../../../src/dispatch/cli/claude-code.js';
import { CliAuthError, CliFailedError, CliNotFoundError, CliRateLimitError, ToolCallLimitError } from '../../../../src/dispatch/cli/errors.js';
import { AgentStoppedError, type AgentEvent, type AgentRequest, type Dispatcher } from '../../../../src/dispatch/dispatcher.js';
import { WfError, WfUsageError } from '../../../../src/errors.js';
import { cliFixtures, installFakeAgents, processGone, waitFor, type FakeAgents } from '../../../support/fake-agent.js';

const fixture = cliFixtures('claude/2.1.x');

const GRACE_MS = 300;
let dir: string;
let projectRoot: string;
let fake: FakeAgents;
let env: NodeJS.ProcessEnv;
let dispatcher: Dispatcher;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-claude-code-'));
  projectRoot = join(dir, 'project');
  mkdirSync(projectRoot);
  fake = installFakeAgents(dir);
  env = {
    PATH: fake.path,
    HOME: dir,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    CLAUDE_CODE_USE_BEDROCK: '0',
    OPENAI_API_KEY: 'sk-openai-test',
    SOME_OTHER_API_KEY: 'other',
    WF_SECRET: 'secret',
    IS_SANDBOX: '1',
  };
  dispatcher = createClaudeCodeDispatcher({ projectRoot, env, graceMs: GRACE_MS });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (overrides: Partial<AgentRequest> = {}): AgentRequest => ({ runId: 'r1', index: 0, label: 'agent', prompt: 'Summarize the project', attempt: 1, ...overrides });
const signal = () => new AbortController().signal;
/** The value after `flag` in argv. */
const flag = (argv: string[], name: string) => {
  const at = argv.indexOf(name);
  return at < 0 ? undefined : argv[at + 1];
};
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the run to fail').toBeDefined();
  return error as WfError & { usage?: unknown };
};

describe('claude-code dispatcher', () => {
  it('runs claude read-only: flags, prompt on stdin, cwd = project root; maps text, usage, cost and model', async () => {
    fake.scenario({ lines: fixture('success-text.jsonl') });
    const events: AgentEvent[] = [];
    const reply = await dispatcher.run(request(), signal(), (event) => events.push(event));
    expect(dispatcher.name).toBe('claude-code');
    expect(reply).toEqual({
      output: 'The project has three modules:\n- parser\n- engine\n- cli',
      usage: { input: 3 + 1520 + 13890, output: 24, reasoning: 0, cacheRead: 13890, cacheWrite: 1520 },
      model: 'claude-sonnet-4-5-20250929',
      costUsd: 0.0105807,
      toolCalls: 0,
    });
    const [entry] = fake.readLog();
    const argv = entry!.argv;
    expect(entry!.as).toBe('claude');
    expect(argv.slice(0, 5)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode']);
    expect(flag(argv, '--permission-mode')).toBe('dontAsk');
    expect(flag(argv, '--tools')).toBe('Read,Grep,Glob,WebFetch,WebSearch');
    expect(flag(argv, '--allowedTools')).toBe('Read,Grep,Glob,WebFetch,WebSearch');
    expect(flag(argv, '--append-system-prompt')).toMatch(/non-interactively[\s\S]*No human will[\s\S]*data/);
    expect(argv).toContain('--no-session-persistence');
    expect(argv).toContain('--strict-mcp-config');
    expect(argv).not.toContain('--model');
    expect(argv).not.toContain('--json-schema');
    expect(argv.join(' ')).not.toMatch(/bypassPermissions|dangerously/);
    expect(entry!.stdin).toBe('Summarize the project');
    expect(entry!.cwd).toBe(projectRoot);
    expect(events).toContainEqual({ type: 'activity', text: '- cli' });
    expect(events).toContainEqual({ type: 'usage', usage: reply.usage });
  });

  it('schema, model and worktree: --json-schema, --model, Edit/Write with acceptEdits in request.cwd; returns structured_output', async () => {
    const schema = { type: 'object', required: ['verdict', 'issues'], properties: { verdict: { enum: ['approve', 'reject'] }, issues: { type: 'array' } } };
    const worktree = join(dir, 'worktree');
    mkdirSync(worktree);
    fake.scenario({ lines: fixture('success-schema.jsonl') });
    const events: AgentEvent[] = [];
    const reply = await dispatcher.run(
      request({ model: 'claude-code/opus', schema, isolation: 'worktree', cwd: worktree, attempt: 2, feedback: '/verdict must be one of approve, reject' }),
      signal(),
      (event) => events.push(event),
    );
    expect(reply.output).toEqual({ verdict: 'approve', issues: [] });
    expect(reply.toolCalls).toBe(1);
    expect(reply.model).toBe('claude-haiku-4-5-20251001');
    const [entry] = fake.readLog();
    expect(flag(entry!.argv, '--model')).toBe('opus');
    expect(JSON.parse(flag(entry!.argv, '--json-schema')!)).toEqual(schema);
    expect(flag(entry!.argv, '--permission-mode')).toBe('acceptEdits');
    expect(flag(entry!.argv, '--tools')).toBe('Read,Grep,Glob,WebFetch,WebSearch,Edit,Write');
    expect(flag(entry!.argv, '--append-system-prompt')).toMatch(/structured output tool/);
    expect(entry!.cwd).toBe(worktree);
    expect(entry!.stdin).toBe('Summarize the project\n\nYour previous answer was rejected: /verdict must be one of approve, reject\nAnswer again, correcting that.');
    expect(events.filter((event) => event.type === 'activity').map((event) => (event as { text: string }).text)).toEqual([
      'Read /work/project/src/a.ts',
      'submitting structured output',
    ]);
  });

  it('with a schema but no structured_output, returns the result text for the engine to parse', async () => {
    fake.scenario({ lines: [{ type: 'result', subtype: 'success', is_error: false, result: '```json\n{"a":1}\n```', usage: { input_tokens: 1, output_tokens: 1 } }] });
    const reply = await dispatcher.run(request({ schema: { type: 'object' } }), signal());
    expect(reply.output).toBe('```json\n{"a":1}\n```');
  });

  it('claude-code/default and no model pass no --model; a model of another provider is refused', async () => {
    fake.scenario({ lines: fixture('success-text.jsonl') });
    await dispatcher.run(request({ model: 'claude-code/default' }), signal());
    await dispatcher.run(request({ model: 'claude-code' }), signal());
    for (const entry of fake.readLog()) expect(entry.argv).not.toContain('--model');
    const error = await failure(dispatcher.run(request({ model: 'openai/gpt-5' }), signal()));
    expect(error).toBeInstanceOf(WfUsageError);
    expect(fake.readLog()).toHaveLength(2);
  });

  it('an error result fails with its subtype and the CLI message, and keeps the usage', async () => {
    fake.scenario({ lines: fixture('error_max_structured_output_retries.jsonl'), exitCode: 1 });
    const error = await failure(dispatcher.run(request({ schema: { type: 'object' } }), signal()));
    expect(error).toBeInstanceOf(CliFailedError);
    expect(error.message).toBe('claude: error_max_structured_output_retries: Failed to provide valid structured output after 5 attempts');
    expect(error.usage).toEqual({ input: 30120, output: 150, reasoning: 0, cacheRead: 30000, cacheWrite: 0 });
  });

  it('a refused login is a CliAuthError with a hint', async () => {
    fake.scenario({ lines: fixture('auth-failure.jsonl'), exitCode: 1 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliAuthError);
    expect(error.code).toBe('WF_CLI_AUTH');
    expect(error.message).toBe('claude: Invalid API key · Please run /login');
    expect(error.hint).toMatch(/login/);
  });

  it('"not logged in" on stderr with no result is an auth error too', async () => {
    fake.scenario({ stderr: 'Error: Not logged in. Please run /login\n', exitCode: 1 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliAuthError);
    expect(error.message).toMatch(/exited with code 1: Error: Not logged in/);
  });

  it('a usage limit is a CliRateLimitError', async () => {
    fake.scenario({ lines: [{ type: 'result', subtype: 'success', is_error: true, result: 'Claude AI usage limit reached|1767225600' }], exitCode: 1 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliRateLimitError);
    expect(error.code).toBe('WF_CLI_RATE_LIMIT');
  });

  it('a non-zero exit without a result fails with the exit code and the stderr tail', async () => {
    fake.scenario({ lines: [fixture('success-text.jsonl')[0]!], stderr: 'TypeError: cannot read properties of undefined\n    at main (cli.js:1:1)\n', exitCode: 2 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliFailedError);
    expect(error.message).toBe('claude exited with code 2: TypeError: cannot read properties of undefined\n    at main (cli.js:1:1)');
    expect((error as CliFailedError).stderrTail).toMatch(/TypeError/);
  });

  it('a hang is stopped by abort within about graceMs, the grandchild with it', async () => {
    fake.scenario({ lines: [fixture('success-text.jsonl')[0]!], hang: true, ignoreSigterm: true, spawnGrandchild: true });
    const controller = new AbortController();
    const started = Date.now();
    const promise = dispatcher.run(request(), controller.signal);
    // Abort once the fake has started (it logs itself before printing).
    expect(await waitFor(() => fake.readLog().length === 1, 5000)).toBe(true);
    const abortedAt = Date.now();
    controller.abort();
    const error = await failure(promise);
    expect(error).toBeInstanceOf(AgentStoppedError);
    expect(Date.now() - abortedAt).toBeLessThan(GRACE_MS + 1500);
    expect(Date.now() - started).toBeLessThan(5000);
    const [entry] = fake.readLog();
    expect(processGone(entry!.pid)).toBe(true);
    expect(await waitFor(() => processGone(entry!.grandchildPid!))).toBe(true);
  });

  it('a missing claude binary is a CliNotFoundError', async () => {
    const missing = createClaudeCodeDispatcher({ projectRoot, env: { ...env, PATH: join(dir, 'no-such-dir') } });
    const error = await failure(missing.run(request(), signal()));
    expect(error).toBeInstanceOf(CliNotFoundError);
    expect(error.message).toBe('`claude` was not found on PATH');
    expect(error.hint).toMatch(/wf doctor/);
  });

  it('passes only the allowlisted environment: ANTHROPIC_API_KEY and CLAUDE_CODE_* yes, other keys, WF_* and IS_SANDBOX no', async () => {
    fake.scenario({ lines: fixture('success-text.jsonl') });
    await dispatcher.run(request(), signal());
    const [entry] = fake.readLog();
    expect(entry!.env.ANTHROPIC_API_KEY).toBe('sk-ant-test');
    expect(entry!.env.CLAUDE_CODE_USE_BEDROCK).toBe('0');
    expect(entry!.env.HOME).toBe(dir);
    for (const name of ['SOME_OTHER_API_KEY', 'WF_SECRET', 'OPENAI_API_KEY', 'IS_SANDBOX']) expect(entry!.envKeys).not.toContain(name);
  });

  it('stops the agent when it exceeds max_tool_calls, with a clear error', async () => {
    const toolUse = (n: number) => ({
      type: 'assistant',
      message: { id: `m${n}`, content: [{ type: 'tool_use', id: `t${n}`, name: 'Read', input: { file_path: `f${n}.ts` } }], usage: { input_tokens: 10, output_tokens: 5 } },
    });
    fake.scenario({ lines: [toolUse(1), toolUse(2), toolUse(3), toolUse(4)], hang: true });
    const started = Date.now();
    const error = await failure(dispatcher.run(request({ maxToolCalls: 2 }), signal()));
    expect(error).toBeInstanceOf(ToolCallLimitError);
    expect(error.code).toBe('WF_MAX_TOOL_CALLS');
    expect(error.message).toBe('claude: the agent exceeded max_tool_calls (2) and was stopped');
    expect(error.usage).toMatchObject({ input: 30, output: 15 });
    expect(Date.now() - started).toBeLessThan(GRACE_MS + 2000);
    expect(processGone(fake.readLog()[0]!.pid)).toBe(true);
  });

  it('ignores unknown event types and non-JSON lines', async () => {
    const lines = fixture('success-text.jsonl');
    fake.scenario({ lines: [{ type: 'future_event', payload: { x: 1 } }, 'Some banner text', lines[0]!, { type: 'system', subtype: 'hook_started' }, ...lines.slice(1)] });
    const reply = await dispatcher.run(request(), signal());
    expect(reply.output).toBe('The project has three modules:\n- parser\n- engine\n- cli');
  });

  it('profile: harness, model, tools, workspace, and a system digest that follows the preamble', async () => {
    const base = await dispatcher.profile!({});
    expect(base).toMatchObject({
      harness: 'claude-code@1',
      model: 'claude-code/default',
      tools: ['Read', 'Grep', 'Glob', 'WebFetch', 'WebSearch'].map((name) => ({ name, digest: name })),
      readsWorkspace: true,
    });
    expect(base.system).toMatch(/^[0-9a-f]{64}$/);
    expect((await dispatcher.profile!({ model: 'claude-code/sonnet' })).model).toBe('claude-code/sonnet');
    expect((await dispatcher.profile!({ schema: { type: 'object' } })).system).not.toBe(base.system);
    const isolated = await dispatcher.profile!({ isolation: 'worktree' });
    expect(isolated.tools?.map((tool) => tool.name)).toEqual(['Read', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'Edit', 'Write']);
    expect(isolated.system).not.toBe(base.system);
  });
});
