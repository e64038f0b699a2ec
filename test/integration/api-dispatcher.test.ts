/**
 * The API dispatcher end to end: the real AI SDK v6 clients over HTTP against the loopback fake
 * LLM server (test/support/fake-llm.ts), for the OpenAI and Anthropic wires (and OpenAI-compatible
 * once). No network: every base URL is 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApiDispatcher } from '../../src/dispatch/api/api-dispatcher.js';
import type { ApiKind } from '../../src/dispatch/api/endpoint.js';
import { AgentLoopError, ProviderAuthError, ProviderQuotaError, ProviderRateLimitError } from '../../src/dispatch/api/errors.js';
import { AgentStoppedError, type AgentEvent, type AgentReply, type AgentRequest, type Dispatcher } from '../../src/dispatch/dispatcher.js';
import { ProviderLimiters } from '../../src/dispatch/provider-limiter.js';
import type { RetryOptions } from '../../src/dispatch/retry.js';
import { DEFAULT_WEB_POLICY, ToolError, type AgentTool, type ToolContext } from '../../src/dispatch/tools/tool.js';
import { hang, startFakeLlm, status, streamError, streamThenDrop, text, toolCalls, type FakeLlm, type RecordedRequest } from '../support/fake-llm.js';

const OPENAI_KEY = 'sk-test-0123456789abcdefghij';
const ANTHROPIC_KEY = 'sk-ant-test-0123456789abcdefghij';
const PROJECT_ROOT = '/tmp/wf-fake-project';

const fakes: FakeLlm[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

interface Harness {
  fake: FakeLlm;
  dispatcher: Dispatcher;
  limiters: ProviderLimiters;
  events: AgentEvent[];
  sleeps: number[];
  toolInputs: Array<{ input: Record<string, unknown>; context: ToolContext }>;
  key: string;
  run(request?: Partial<AgentRequest>, signal?: AbortSignal): Promise<AgentReply>;
}

interface HarnessOptions {
  tools?: AgentTool[];
  system?: string;
  modelId?: string;
  retry?: Partial<RetryOptions>;
  /** Inject a clock (the text tail is throttled by it). */
  now?: () => number;
  onEvent?: (event: AgentEvent, harness: Harness) => void;
}

async function harness(kind: ApiKind, options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeLlm();
  fakes.push(fake);
  const key = kind === 'anthropic' ? ANTHROPIC_KEY : OPENAI_KEY;
  const provider = kind === 'openai-compatible' ? 'local' : kind;
  const limiters = new ProviderLimiters();
  const events: AgentEvent[] = [];
  const sleeps: number[] = [];
  const toolInputs: Harness['toolInputs'] = [];
  const tools = options.tools ?? [readFileTool(toolInputs)];
  const dispatcher = createApiDispatcher({
    resolve: () => ({
      endpoint: { provider, kind, baseURL: kind === 'anthropic' ? fake.anthropicBaseURL : fake.openaiBaseURL, apiKey: key, concurrency: 2 },
      modelId: options.modelId ?? 'fake-model',
      tools,
      ...(options.system ? { system: options.system } : {}),
    }),
    projectRoot: PROJECT_ROOT,
    web: DEFAULT_WEB_POLICY,
    limiters,
    retry: {
      sleep: async (ms: number, signal?: AbortSignal) => {
        sleeps.push(ms);
        signal?.throwIfAborted();
      },
      random: () => 0.5,
      ...options.retry,
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const h: Harness = {
    fake,
    dispatcher,
    limiters,
    events,
    sleeps,
    toolInputs,
    key,
    run: (request = {}, signal = new AbortController().signal) =>
      dispatcher.run({ runId: 'run-1', index: 0, prompt: 'Do the task.', label: 'agent', attempt: 1, ...request }, signal, (event) => {
        events.push(event);
        options.onEvent?.(event, h);
      }),
  };
  return h;
}

function readFileTool(log: Harness['toolInputs']): AgentTool {
  return {
    name: 'read_file',
    description: 'Read a file of the project.',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    readsWorkspace: true,
    version: 1,
    execute: async (input, context) => {
      log.push({ input, context });
      return `contents of ${String(input.path)}`;
    },
  };
}

const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

/** The tool results the request carries, in a wire-neutral shape. */
function toolResults(request: RecordedRequest): Array<{ id: string; content: string; isError?: boolean }> {
  const found: Array<{ id: string; content: string; isError?: boolean }> = [];
  for (const message of request.body.messages as any[]) {
    if (request.wire === 'openai' && message.role === 'tool') found.push({ id: message.tool_call_id, content: message.content });
    if (request.wire === 'anthropic' && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (part.type === 'tool_result') found.push({ id: part.tool_use_id, content: typeof part.content === 'string' ? part.content : JSON.stringify(part.content), ...(part.is_error ? { isError: true } : {}) });
      }
    }
  }
  return found;
}

function toolNames(request: RecordedRequest): string[] | undefined {
  const tools = request.body.tools as any[] | undefined;
  if (!tools) return undefined;
  return tools.map((tool) => (request.wire === 'openai' ? tool.function.name : tool.name));
}

function hasToolTraffic(request: RecordedRequest): boolean {
  return (request.body.messages as any[]).some(
    (message) =>
      message.role === 'tool' ||
      message.tool_calls !== undefined ||
      (Array.isArray(message.content) && message.content.some((part: any) => part.type === 'tool_use' || part.type === 'tool_result')),
  );
}

function lastUserText(request: RecordedRequest): string {
  const users = (request.body.messages as any[]).filter((message) => message.role === 'user');
  const last = users[users.length - 1];
  if (typeof last.content === 'string') return last.content;
  return (last.content as any[]).filter((part) => part.type === 'text').map((part) => part.text).join('\n');
}

function systemText(request: RecordedRequest): string {
  if (request.wire === 'anthropic') return (request.body.system as any[]).map((part) => part.text).join('\n');
  return (request.body.messages as any[]).find((message) => message.role === 'system' || message.role === 'developer').content;
}

describe.each(['openai', 'anthropic'] as const)('API dispatcher over the %s wire', (kind) => {
  it('returns a plain text reply, streams the request, and sends the key in the wire header', async () => {
    const h = await harness(kind, { system: 'You review code.' });
    h.fake.enqueue(text('The answer is 42.'));
    const reply = await h.run();
    expect(reply.output).toBe('The answer is 42.');
    expect(reply.model).toBe(`${kind}/fake-model`);
    expect(reply.toolCalls).toBe(0);
    expect(reply.usage).toMatchObject({ input: 10, output: 5, reasoning: 0 });
    const [request] = h.fake.chatRequests();
    expect(request!.path).toBe(kind === 'openai' ? '/v1/chat/completions' : '/v1/messages');
    expect(request!.body.stream).toBe(true);
    if (kind === 'openai') {
      expect(request!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
      expect(request!.body.stream_options).toEqual({ include_usage: true });
    } else {
      expect(request!.headers['x-api-key']).toBe(ANTHROPIC_KEY);
      expect(request!.headers.authorization).toBeUndefined();
      expect(request!.headers['anthropic-version']).toBe('2023-06-01');
    }
    const system = systemText(request!);
    expect(system).toContain('non-interactively');
    expect(system).toContain('untrusted data');
    expect(system.endsWith('You review code.')).toBe(true);
    expect(lastUserText(request!)).toBe('Do the task.');
    expect(h.fake.unexpected).toEqual([]);
  });

  it('joins text streamed across several chunks and reports a throttled tail as activity', async () => {
    let clock = 0;
    const h = await harness(kind, { now: () => (clock += 300) });
    const answer = 'First part of the answer, then the second part, and the end.';
    h.fake.enqueue(text(answer));
    const reply = await h.run();
    expect(reply.output).toBe(answer);
    const tails = h.events.filter((event) => event.type === 'activity').map((event) => (event as { text: string }).text);
    // The fake splits the text into 3 deltas; with 300 ms between reads each one is reported.
    expect(tails.length).toBeGreaterThanOrEqual(2);
    expect(tails[tails.length - 1]).toBe(answer);
    expect(tails[0]!.length).toBeLessThan(answer.length);
  });

  it('executes a tool call and threads its result back in the wire format', async () => {
    const h = await harness(kind);
    h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: 'src/a.ts' }, id: 'call_read_1' }]), text('It exports a function.'));
    const reply = await h.run({ cwd: '/tmp/wf-worktree' });
    expect(reply.output).toBe('It exports a function.');
    expect(reply.toolCalls).toBe(1);
    expect(h.toolInputs).toHaveLength(1);
    expect(h.toolInputs[0]!.input).toEqual({ path: 'src/a.ts' });
    expect(h.toolInputs[0]!.context.root).toBe('/tmp/wf-worktree');
    expect(h.events).toContainEqual({ type: 'activity', text: 'read_file src/a.ts' });

    const [first, second] = h.fake.chatRequests();
    expect(toolNames(first!)).toEqual(['read_file']);
    const messages = second!.body.messages as any[];
    if (kind === 'openai') {
      const assistant = messages.find((message) => message.role === 'assistant');
      expect(assistant.tool_calls).toEqual([{ id: 'call_read_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/a.ts"}' } }]);
      expect(messages[messages.length - 1]).toEqual({ role: 'tool', tool_call_id: 'call_read_1', content: 'contents of src/a.ts' });
    } else {
      const assistant = messages.find((message) => message.role === 'assistant');
      expect(assistant.content).toContainEqual(expect.objectContaining({ type: 'tool_use', id: 'call_read_1', name: 'read_file', input: { path: 'src/a.ts' } }));
      const last = messages[messages.length - 1];
      expect(last.role).toBe('user');
      expect(last.content[0]).toEqual({ type: 'tool_result', tool_use_id: 'call_read_1', content: 'contents of src/a.ts' });
    }
  });

  it('A3 ends a schema agent on a valid submit_result call', async () => {
    const h = await harness(kind);
    h.fake.enqueue(toolCalls([{ name: 'submit_result', args: { answer: 'yes' } }]));
    const reply = await h.run({ schema: SCHEMA });
    expect(reply.output).toEqual({ answer: 'yes' });
    expect(reply.attempts).toBe(1);
    const [request] = h.fake.chatRequests();
    expect(toolNames(request!)).toEqual(['submit_result', 'read_file']);
    const submit = (request!.body.tools as any[])[0];
    expect(kind === 'openai' ? submit.function.parameters : submit.input_schema).toEqual(SCHEMA);
    expect(systemText(request!)).toContain('call the submit_result tool exactly once');
  });

  it('A3 sends an invalid submission back with the validation errors and counts attempts', async () => {
    const h = await harness(kind);
    h.fake.enqueue(toolCalls([{ name: 'submit_result', args: { answer: 7 }, id: 'call_s1' }]), toolCalls([{ name: 'submit_result', args: { answer: 'seven' } }]));
    const reply = await h.run({ schema: SCHEMA, feedback: 'answer must be a word' });
    expect(reply).toMatchObject({ output: { answer: 'seven' }, attempts: 2 });
    const [first, second] = h.fake.chatRequests();
    expect(lastUserText(first!)).toBe('Do the task.\n\nYour previous answer was rejected: answer must be a word');
    const [result] = toolResults(second!);
    expect(result!.id).toBe('call_s1');
    expect(result!.content).toMatch(/does not match the schema/);
    expect(result!.content).toMatch(/answer/);
    if (kind === 'anthropic') expect(result!.isError).toBe(true);
  });

  it('returns the last invalid value once the allowed submissions are used up', async () => {
    const h = await harness(kind);
    // maxAttempts 3, attempt 2: two submissions allowed in this dispatch.
    h.fake.enqueue(toolCalls([{ name: 'submit_result', args: { answer: 1 } }]), toolCalls([{ name: 'submit_result', args: { answer: 2 } }]));
    const reply = await h.run({ schema: SCHEMA, attempt: 2, maxAttempts: 3 });
    expect(reply).toMatchObject({ output: { answer: 2 }, attempts: 2 });
    expect(h.fake.chatRequests()).toHaveLength(2);
    expect(h.fake.pending).toBe(0);
  });

  it('A3 nudges a schema agent that answers in text once, then returns the text', async () => {
    const h = await harness(kind);
    h.fake.enqueue(text('{"answer": "draft"}'), text('```json\n{"answer": "final"}\n```'));
    const reply = await h.run({ schema: SCHEMA });
    expect(reply.output).toBe('```json\n{"answer": "final"}\n```');
    expect(reply.attempts).toBe(1);
    const [, second] = h.fake.chatRequests();
    expect(lastUserText(second!)).toMatch(/call submit_result with your final answer/);
  });

  it('maps cache and reasoning usage, summed over turns, with a usage event per turn', async () => {
    const h = await harness(kind);
    if (kind === 'openai') {
      h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: 'a' } }], { usage: { input: 100, cacheRead: 60, output: 7, reasoning: 3 } }), text('done', { usage: { input: 200, cacheRead: 150, output: 10 } }));
    } else {
      h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: 'a' } }], { usage: { input: 20, cacheRead: 60, cacheWrite: 15, output: 7 } }), text('done', { usage: { input: 5, cacheRead: 150, cacheWrite: 0, output: 10 } }));
    }
    const reply = await h.run();
    const usageEvents = h.events.filter((event) => event.type === 'usage').map((event) => (event as { usage: unknown }).usage);
    if (kind === 'openai') {
      expect(usageEvents[0]).toEqual({ input: 100, cacheRead: 60, output: 7, reasoning: 3 });
      expect(reply.usage).toEqual({ input: 300, cacheRead: 210, output: 17, reasoning: 3 });
    } else {
      // Anthropic's input_tokens excludes cache; wf's input includes cache reads and writes.
      expect(usageEvents[0]).toEqual({ input: 95, cacheRead: 60, cacheWrite: 15, output: 7, reasoning: 0 });
      expect(reply.usage).toEqual({ input: 250, cacheRead: 210, cacheWrite: 15, output: 17, reasoning: 0 });
    }
    expect(usageEvents[1]).toEqual(reply.usage);
  });

  it('honours retry-after on a 429, pauses the provider and warns', async () => {
    let pausedDuringWarning = 0;
    const h = await harness(kind, {
      onEvent: (event, self) => {
        if (event.type === 'warning' && event.message.includes('(429)')) pausedDuringWarning = self.limiters.get(kind, 2).pausedUntil;
      },
    });
    h.fake.enqueue(status(429, { headers: { 'retry-after-ms': '200' } }), text('after the pause'));
    const started = Date.now();
    const reply = await h.run();
    expect(reply.output).toBe('after the pause');
    expect(h.sleeps).toEqual([200]);
    expect(h.events).toContainEqual({ type: 'warning', message: `${kind}: rate limited (429); pausing new requests for 0.2 s` });
    expect(pausedDuringWarning).toBeGreaterThan(started);
    // The injected sleep returns at once: only the limiter's pause can have held the retry back.
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(h.fake.chatRequests()).toHaveLength(2);
  });

  it('retries a 500 with backoff and then succeeds', async () => {
    const h = await harness(kind, { retry: { baseDelayMs: 400 } });
    h.fake.enqueue(status(500), text('recovered'));
    const reply = await h.run();
    expect(reply.output).toBe('recovered');
    // Full jitter: random 0.5 × min(maxDelay, 400 · 2^0).
    expect(h.sleeps).toEqual([200]);
    expect(h.events.some((event) => event.type === 'warning' && event.message.startsWith(`${kind}: server error (500); retrying`))).toBe(true);
  });

  it('fails at once on 401, without retrying and without the key in the error', async () => {
    const h = await harness(kind);
    const body =
      kind === 'openai'
        ? { error: { message: `Incorrect API key provided: ${OPENAI_KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }
        : { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${ANTHROPIC_KEY}` } };
    h.fake.enqueue(status(401, { body }), text('never sent'));
    const error = (await h.run().catch((caught: unknown) => caught)) as ProviderAuthError;
    expect(ProviderAuthError.isInstance(error)).toBe(true);
    expect(error.code).toBe('WF_PROVIDER_AUTH');
    expect(error.status).toBe(401);
    expect(error.message).toContain(`${kind}/fake-model`);
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(h.key);
    expect(JSON.stringify(error.toData())).not.toContain(h.key);
    expect(error.hint).toMatch(/API key/);
    expect(h.fake.chatRequests()).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('does not retry a 429 that reports an exhausted quota', async () => {
    const h = await harness(kind);
    const body =
      kind === 'openai'
        ? { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } }
        : { type: 'error', error: { type: 'rate_limit_error', message: 'Your credit balance is too low; check billing.' } };
    h.fake.enqueue(status(429, { body, headers: { 'retry-after': '1' } }), text('never sent'));
    const error = await h.run().catch((caught: unknown) => caught);
    expect(ProviderQuotaError.isInstance(error)).toBe(true);
    expect((error as ProviderQuotaError).code).toBe('WF_PROVIDER_QUOTA');
    expect(h.fake.chatRequests()).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('stops a hung response when the signal aborts', async () => {
    const h = await harness(kind);
    h.fake.enqueue(hang());
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('run stopped')), 100);
    await expect(h.run({}, controller.signal)).rejects.toBeInstanceOf(AgentStoppedError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(h.fake.chatRequests()).toHaveLength(1);
  });

  it('retries a turn whose stream drops midway, discarding the partial text', async () => {
    const h = await harness(kind);
    h.fake.enqueue(streamThenDrop(3), text('complete answer'));
    const reply = await h.run();
    expect(reply.output).toBe('complete answer');
    expect(h.fake.chatRequests()).toHaveLength(2);
    expect(h.events.some((event) => event.type === 'warning' && event.message.includes('connection failed'))).toBe(true);
  });

  it('sends invalid JSON tool arguments back to the model as an error and goes on', async () => {
    const h = await harness(kind);
    h.fake.enqueue(toolCalls([{ name: 'read_file', args: '{"path": "src/a.ts"', id: 'call_bad' }]), text('recovered from the bad call'));
    const reply = await h.run();
    expect(reply.output).toBe('recovered from the bad call');
    expect(h.toolInputs).toEqual([]);
    const [result] = toolResults(h.fake.chatRequests()[1]!);
    expect(result!.id).toBe('call_bad');
    expect(result!.content).toMatch(/not valid JSON/);
    if (kind === 'anthropic') expect(result!.isError).toBe(true);
  });

  it('offers no tools once max_tool_calls is spent and returns the forced answer', async () => {
    const h = await harness(kind);
    h.fake.enqueue(
      toolCalls([{ name: 'read_file', args: { path: 'a' } }]),
      toolCalls([{ name: 'read_file', args: { path: 'b' } }]),
      text('final answer from what I read'),
    );
    const reply = await h.run({ maxToolCalls: 2 });
    expect(reply.output).toBe('final answer from what I read');
    expect(reply.toolCalls).toBe(2);
    const requests = h.fake.chatRequests();
    expect(requests).toHaveLength(3);
    expect(toolNames(requests[1]!)).toEqual(['read_file']);
    const last = requests[2]!;
    expect(last.body.tools).toBeUndefined();
    expect(last.body.tool_choice).toBeUndefined();
    // Earlier tool traffic is written out as text, so a request without tools stays valid.
    expect(hasToolTraffic(last)).toBe(false);
    expect(JSON.stringify(last.body.messages)).toContain('contents of b');
    expect(lastUserText(last)).toMatch(/used all 2 tool calls/);
  });

  it('A3 forces submit_result as the only tool for a schema agent over its budget', async () => {
    const h = await harness(kind);
    h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: 'a' } }]), toolCalls([{ name: 'submit_result', args: { answer: 'done' } }]));
    const reply = await h.run({ schema: SCHEMA, maxToolCalls: 1 });
    expect(reply).toMatchObject({ output: { answer: 'done' }, attempts: 1, toolCalls: 1 });
    const last = h.fake.chatRequests()[1]!;
    expect(toolNames(last)).toEqual(['submit_result']);
    expect(last.body.tool_choice).toEqual(kind === 'openai' ? { type: 'function', function: { name: 'submit_result' } } : { type: 'tool', name: 'submit_result' });
  });

  it('stops during the backoff sleep when the signal aborts', async () => {
    const h = await harness(kind, { retry: { sleep: undefined, baseDelayMs: 20_000, random: () => 0.99 } });
    h.fake.enqueue(status(503), text('never sent'));
    const controller = new AbortController();
    const started = Date.now();
    const running = h.run({}, controller.signal);
    const warned = async () => {
      while (!h.events.some((event) => event.type === 'warning')) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await warned();
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AgentStoppedError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(h.fake.chatRequests()).toHaveLength(1);
  });

  it('reports the model the provider served', async () => {
    const h = await harness(kind);
    h.fake.enqueue(text('ok', { model: 'fake-model-2025-06-01' }));
    const reply = await h.run();
    expect(reply.model).toBe(`${kind}/fake-model-2025-06-01`);
  });
});

describe('API dispatcher: wire-specific behaviour', () => {
  it('retries an Anthropic stream that reports overloaded_error after HTTP 200', async () => {
    const h = await harness('anthropic');
    h.fake.enqueue(streamError('overloaded_error'), streamError('overloaded_error', { afterText: 'partial ' }), text('fine now'));
    const reply = await h.run();
    expect(reply.output).toBe('fine now');
    expect(h.fake.chatRequests()).toHaveLength(3);
    expect(h.events.filter((event) => event.type === 'warning' && event.message.startsWith('anthropic: overloaded'))).toHaveLength(2);
  });

  it('speaks to an OpenAI-compatible server with usage enabled in the stream', async () => {
    const h = await harness('openai-compatible');
    h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: 'README.md' } }]), text('compatible reply', { usage: { input: 30, output: 4, cacheRead: 10 } }));
    const reply = await h.run();
    expect(reply.output).toBe('compatible reply');
    expect(reply.model).toBe('local/fake-model');
    expect(reply.usage).toEqual({ input: 40, output: 9, reasoning: 0, cacheRead: 10 });
    const [first, second] = h.fake.chatRequests();
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(first!.body.stream_options).toEqual({ include_usage: true });
    expect(toolResults(second!)).toEqual([expect.objectContaining({ content: 'contents of README.md' })]);
  });

  it('maps effort to reasoning_effort for OpenAI reasoning models only, as profile() says', async () => {
    const h = await harness('openai', { modelId: 'o4-mini' });
    h.fake.enqueue(text('thought hard'));
    await h.run({ effort: 'max' });
    expect(h.fake.chatRequests()[0]!.body.reasoning_effort).toBe('high');
    expect(h.dispatcher.profile!({ effort: 'max' })).toMatchObject({ harness: 'api@1', model: 'openai/o4-mini', params: { reasoningEffort: 'high' } });

    const a = await harness('anthropic', { modelId: 'claude-sonnet-4-5' });
    a.fake.enqueue(text('no thinking'));
    await a.run({ effort: 'high' });
    const body = a.fake.chatRequests()[0]!.body;
    expect(body.thinking).toBeUndefined();
    expect(body.output_config).toBeUndefined();
    expect(await a.dispatcher.profile!({ effort: 'high' })).not.toHaveProperty('params');
  });

  it('runs up to 4 tool calls at once, answers each in call order, and turns a tool failure into an error result', async () => {
    let active = 0;
    let peak = 0;
    const slowTool: AgentTool = {
      name: 'grep',
      description: 'Search.',
      inputSchema: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] },
      readsWorkspace: true,
      version: 1,
      execute: async (input) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        active -= 1;
        if (input.pattern === 'bad') throw new ToolError('the pattern is not a valid regular expression');
        if (input.pattern === 'boom') throw new Error('disk on fire');
        return `matches for ${String(input.pattern)}`;
      },
    };
    const h = await harness('openai', { tools: [slowTool] });
    const patterns = ['a', 'bad', 'c', 'boom', 'e', 'f'];
    h.fake.enqueue(toolCalls(patterns.map((pattern, index) => ({ name: 'grep', args: { pattern }, id: `call_${index}` }))), text('done'));
    const reply = await h.run();
    expect(reply.output).toBe('done');
    expect(reply.toolCalls).toBe(6);
    expect(peak).toBe(4);
    const results = toolResults(h.fake.chatRequests()[1]!);
    expect(results.map((result) => result.id)).toEqual(patterns.map((_, index) => `call_${index}`));
    expect(results[0]!.content).toBe('matches for a');
    expect(results[1]!.content).toBe('the pattern is not a valid regular expression');
    expect(results[3]!.content).toBe('grep failed: disk on fire');
    expect(h.events).toContainEqual({ type: 'activity', text: 'grep "a"' });
  });

  it('gives up at once when the provider asks to wait longer than wf waits', async () => {
    const h = await harness('openai', { retry: { maxRetryAfterMs: 60_000 } });
    h.fake.enqueue(status(429, { headers: { 'retry-after': '600' } }), text('never sent'));
    const error = (await h.run().catch((caught: unknown) => caught)) as ProviderRateLimitError;
    expect(ProviderRateLimitError.isInstance(error)).toBe(true);
    expect(error.code).toBe('WF_PROVIDER_RATE_LIMIT');
    expect(error.retryAfterMs).toBe(600_000);
    expect(error.message).toMatch(/^openai\/fake-model: the provider asked to wait 600 s before retrying \(429\), longer than the 60 s wf waits/);
    expect(h.sleeps).toEqual([]);
    expect(h.fake.chatRequests()).toHaveLength(1);
  });

  it('never lets the SDK take a key or base URL from the environment', async () => {
    const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL };
    process.env.OPENAI_API_KEY = 'sk-from-the-environment-0000000';
    process.env.ANTHROPIC_API_KEY = 'sk-ant-from-the-environment-0000';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    try {
      for (const kind of ['openai', 'anthropic'] as const) {
        const fake = await startFakeLlm();
        fakes.push(fake);
        const dispatcher = createApiDispatcher({
          resolve: () => ({ endpoint: { provider: kind, kind, baseURL: fake.openaiBaseURL, concurrency: 1 }, modelId: 'fake-model', tools: [] }),
          projectRoot: PROJECT_ROOT,
          web: DEFAULT_WEB_POLICY,
        });
        fake.enqueue(text('ok'));
        await dispatcher.run({ runId: 'r', index: 0, prompt: 'p', label: 'l', attempt: 1 }, new AbortController().signal);
        const headers = fake.chatRequests()[0]!.headers;
        expect(JSON.stringify(headers)).not.toContain('from-the-environment');
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('gives up with a clear error when the agent never finishes within the turn cap', async () => {
    const h = await harness('openai');
    // Budget 1 → cap of 2 × 1 + 4 = 6 turns; the model keeps calling tools it no longer has.
    for (let index = 0; index < 6; index += 1) h.fake.enqueue(toolCalls([{ name: 'read_file', args: { path: `f${index}` } }]));
    const error = await h.run({ maxToolCalls: 1 }).catch((caught: unknown) => caught);
    expect(AgentLoopError.isInstance(error)).toBe(true);
    expect((error as AgentLoopError).code).toBe('WF_AGENT_LOOP');
    expect((error as Error).message).toMatch(/did not finish within 6 model turns/);
    expect(h.fake.chatRequests()).toHaveLength(6);
    expect(h.toolInputs).toHaveLength(1);
    // From the third request on, the conversation is flattened (no tools offered): results are text.
    expect(JSON.stringify(h.fake.chatRequests()[2]!.body.messages)).toContain('[error from read_file]\\nnot run: the tool-call budget (1) is spent');
  });

  it('answers calls past the budget within one turn without running them', async () => {
    const h = await harness('anthropic');
    h.fake.enqueue(
      toolCalls([
        { name: 'read_file', args: { path: 'a' } },
        { name: 'read_file', args: { path: 'b' } },
        { name: 'read_file', args: { path: 'c' } },
      ]),
      text('answer'),
    );
    const reply = await h.run({ maxToolCalls: 2 });
    expect(reply).toMatchObject({ output: 'answer', toolCalls: 2 });
    expect(h.toolInputs.map((entry) => entry.input.path)).toEqual(['a', 'b']);
    // The budget is spent, so the next request carries the results written out as text.
    const sent = JSON.stringify(h.fake.chatRequests()[1]!.body.messages);
    expect(sent).toContain('[result of read_file]\\ncontents of b');
    expect(sent).toContain('[error from read_file]\\nnot run: the tool-call budget (2) is spent');
    expect(h.events).toContainEqual({ type: 'activity', text: 'read_file c (not run: tool budget spent)' });
  });
});
