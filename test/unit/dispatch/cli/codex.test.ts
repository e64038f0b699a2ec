import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCodexDispatcher } from '../../../../src/dispatch/cli/codex.js';
import { CliAuthError, CliFailedError, CliNotFoundError, CliRateLimitError, ToolCallLimitError } from '../../../../src/dispatch/cli/errors.js';
import { toStrictSchema } from '../../../../src/dispatch/cli/strict-schema.js';
import { AgentStoppedError, type AgentEvent, type AgentRequest, type Dispatcher } from '../../../../src/dispatch/dispatcher.js';
import type { WfError } from '../../../../src/errors.js';
import { cliFixtures, installFakeAgents, processGone, waitFor, type FakeAgents } from '../../../support/fake-agent.js';

const fixture = cliFixtures('codex/0.x');

const GRACE_MS = 300;
let dir: string;
let projectRoot: string;
let fake: FakeAgents;
let env: NodeJS.ProcessEnv;
let dispatcher: Dispatcher;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wf-test-codex-cli-'));
  projectRoot = join(dir, 'project');
  mkdirSync(projectRoot);
  fake = installFakeAgents(dir);
  env = {
    PATH: fake.path,
    HOME: dir,
    OPENAI_API_KEY: 'sk-openai-test',
    CODEX_HOME: join(dir, '.codex'),
    ANTHROPIC_API_KEY: 'sk-ant-test',
    SOME_OTHER_API_KEY: 'other',
    WF_SECRET: 'secret',
  };
  dispatcher = createCodexDispatcher({ projectRoot, env, graceMs: GRACE_MS });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (overrides: Partial<AgentRequest> = {}): AgentRequest => ({ runId: 'r1', index: 0, label: 'agent', prompt: 'Find the entry point', attempt: 1, ...overrides });
const signal = () => new AbortController().signal;
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the run to fail').toBeDefined();
  return error as WfError & { usage?: unknown };
};

describe('codex dispatcher', () => {
  it('runs codex exec read-only: argv, preamble + prompt on stdin, cwd; maps the final message and usage', async () => {
    fake.scenario({ lines: fixture('success.jsonl') });
    const events: AgentEvent[] = [];
    const reply = await dispatcher.run(request(), signal(), (event) => events.push(event));
    expect(dispatcher.name).toBe('codex');
    expect(reply).toEqual({
      output: 'The entry point is `main` in src/cli.ts (line 12).',
      usage: { input: 24763, output: 58, reasoning: 64, cacheRead: 24448 },
      toolCalls: 2,
    });
    const [entry] = fake.readLog();
    expect(entry!.as).toBe('codex');
    expect(entry!.argv).toEqual(['exec', '--json', '--sandbox', 'read-only', '--skip-git-repo-check', '--cd', projectRoot, '-c', 'approval_policy="never"', '-']);
    expect(entry!.cwd).toBe(projectRoot);
    expect(entry!.stdin).toMatch(/^You are running non-interactively[\s\S]*read-only[\s\S]*\n\nFind the entry point$/);
    expect(events).toContainEqual({ type: 'activity', text: 'WebSearch "node readline crlfDelay"' });
    expect(events).toContainEqual({ type: 'usage', usage: reply.usage });
  });

  it('a schema goes to --output-schema in strict form (temp file removed after), the reply parsed and its filler nulls stripped', async () => {
    const schema = {
      type: 'object',
      required: ['verdict', 'issues'],
      properties: {
        verdict: { enum: ['approve', 'reject'] },
        issues: { type: 'array', items: { type: 'object', required: ['file'], properties: { file: { type: 'string' }, line: { type: 'integer' }, note: { type: 'string' } } } },
        summary: { type: 'string' },
      },
    };
    fake.scenario({ lines: fixture('schema.jsonl') });
    const reply = await dispatcher.run(request({ schema }), signal());
    expect(reply.output).toEqual({ verdict: 'approve', issues: [{ file: 'src/a.ts', note: 'rename' }] });
    const [entry] = fake.readLog();
    const at = entry!.argv.indexOf('--output-schema');
    expect(at).toBeGreaterThan(0);
    expect(entry!.outputSchema).toEqual(toStrictSchema(schema));
    expect(existsSync(entry!.argv[at + 1]!)).toBe(false);
    expect(entry!.stdin).toMatch(/JSON value matching the given output schema/);
  });

  it('a schema reply that is not bare JSON is returned as text for the engine to parse', async () => {
    fake.scenario({ lines: [{ type: 'item.completed', item: { id: 'a', type: 'agent_message', text: 'Here: {"a": 1}' } }, { type: 'turn.completed', usage: { input_tokens: 5, cached_input_tokens: 0, output_tokens: 5 } }] });
    const reply = await dispatcher.run(request({ schema: { type: 'object' } }), signal());
    expect(reply.output).toBe('Here: {"a": 1}');
  });

  it('worktree, model and effort: workspace-write in request.cwd, --model, reasoning effort', async () => {
    const worktree = join(dir, 'worktree');
    mkdirSync(worktree);
    fake.scenario({ lines: fixture('old-spelling.jsonl') });
    const reply = await dispatcher.run(request({ isolation: 'worktree', cwd: worktree, model: 'codex/gpt-5-codex', effort: 'max' }), signal());
    expect(reply.output).toBe('There are two entries: README.md and src.');
    expect(reply.model).toBe('gpt-5-codex');
    const [entry] = fake.readLog();
    expect(entry!.argv).toEqual([
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '--skip-git-repo-check',
      '--cd',
      worktree,
      '--model',
      'gpt-5-codex',
      '-c',
      'approval_policy="never"',
      '-c',
      'model_reasoning_effort="xhigh"',
      '-',
    ]);
    expect(entry!.cwd).toBe(worktree);
    expect(entry!.stdin).toMatch(/may edit and create files/);
  });

  it('turn.failed fails with the message; a 401 is classified as an auth failure', async () => {
    fake.scenario({ lines: fixture('turn-failed.jsonl'), exitCode: 1 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliAuthError);
    expect(error.message).toBe('codex: exceeded retry limit, last status: 401 Unauthorized');
    expect(error.hint).toMatch(/codex login/);
  });

  it('an error event fails with its message; a usage limit is a CliRateLimitError', async () => {
    fake.scenario({ lines: [{ type: 'turn.started' }, { type: 'error', message: "You've hit your usage limit. Try again in 3 hours." }], exitCode: 1 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliRateLimitError);
    expect(error.message).toBe("codex: You've hit your usage limit. Try again in 3 hours.");
    fake.scenario({ lines: [{ type: 'turn.failed', error: { message: 'model not found' } }], exitCode: 1 });
    const other = await failure(dispatcher.run(request(), signal()));
    expect(other).toBeInstanceOf(CliFailedError);
    expect(other.message).toBe('codex: model not found');
  });

  it('a non-zero exit without events fails with the exit code and the stderr tail', async () => {
    fake.scenario({ stderr: "error: unexpected argument '--bogus' found\n", exitCode: 2 });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error).toBeInstanceOf(CliFailedError);
    expect(error.message).toBe("codex exited with code 2: error: unexpected argument '--bogus' found");
  });

  it('a clean exit without a final message is a failure, not an empty answer', async () => {
    fake.scenario({ lines: [{ type: 'thread.started', thread_id: 't' }, { type: 'turn.completed', usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 0 } }] });
    const error = await failure(dispatcher.run(request(), signal()));
    expect(error.message).toBe('codex finished without a final message');
    expect(error.usage).toEqual({ input: 1, output: 0, reasoning: 0, cacheRead: 0 });
  });

  it('passes only the allowlisted environment: OpenAI/Codex keys yes, ANTHROPIC_API_KEY, other keys and WF_* no', async () => {
    fake.scenario({ lines: fixture('success.jsonl') });
    await dispatcher.run(request(), signal());
    const [entry] = fake.readLog();
    expect(entry!.env.OPENAI_API_KEY).toBe('sk-openai-test');
    expect(entry!.env.CODEX_HOME).toBe(join(dir, '.codex'));
    for (const name of ['ANTHROPIC_API_KEY', 'SOME_OTHER_API_KEY', 'WF_SECRET']) expect(entry!.envKeys).not.toContain(name);
  });

  it('stops the agent when it exceeds max_tool_calls', async () => {
    const command = (n: number) => ({ type: 'item.started', item: { id: `c${n}`, type: 'command_execution', command: `cat f${n}`, status: 'in_progress' } });
    fake.scenario({ lines: [{ type: 'turn.started' }, command(1), command(2), command(3), command(4)], hang: true });
    const started = Date.now();
    const error = await failure(dispatcher.run(request({ maxToolCalls: 2 }), signal()));
    expect(error).toBeInstanceOf(ToolCallLimitError);
    expect(error.message).toBe('codex: the agent exceeded max_tool_calls (2) and was stopped');
    expect(Date.now() - started).toBeLessThan(GRACE_MS + 2000);
    expect(processGone(fake.readLog()[0]!.pid)).toBe(true);
  });

  it('an abort stops a hanging codex and removes the schema file', async () => {
    fake.scenario({ lines: [{ type: 'thread.started', thread_id: 't' }], hang: true, spawnGrandchild: true });
    const controller = new AbortController();
    const promise = dispatcher.run(request({ schema: { type: 'object', properties: { a: { type: 'string' } } } }), controller.signal);
    expect(await waitFor(() => fake.readLog().length === 1, 5000)).toBe(true);
    controller.abort();
    const error = await failure(promise);
    expect(error).toBeInstanceOf(AgentStoppedError);
    const [entry] = fake.readLog();
    expect(existsSync(entry!.argv[entry!.argv.indexOf('--output-schema') + 1]!)).toBe(false);
    expect(await waitFor(() => processGone(entry!.grandchildPid!))).toBe(true);
  });

  it('a missing codex binary is a CliNotFoundError', async () => {
    const missing = createCodexDispatcher({ projectRoot, env: { ...env, PATH: join(dir, 'nowhere') } });
    const error = await failure(missing.run(request(), signal()));
    expect(error).toBeInstanceOf(CliNotFoundError);
    expect(error.message).toBe('`codex` was not found on PATH');
  });

  it('profile: codex@1, the model, the sandbox as its tool, effort as a parameter', async () => {
    const base = await dispatcher.profile!({});
    expect(base).toMatchObject({ harness: 'codex@1', model: 'codex/default', tools: [{ name: 'shell', digest: 'sandbox=read-only' }], readsWorkspace: true });
    expect(base.params).toBeUndefined();
    const other = await dispatcher.profile!({ model: 'codex/gpt-5-codex', effort: 'high', isolation: 'worktree', schema: { type: 'object' } });
    expect(other).toMatchObject({ model: 'codex/gpt-5-codex', params: { reasoningEffort: 'high' }, tools: [{ name: 'shell', digest: 'sandbox=workspace-write' }] });
    expect(other.system).not.toBe(base.system);
  });
});
