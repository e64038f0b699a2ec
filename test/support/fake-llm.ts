/**
 * A loopback fake LLM server for tests (research notes §5.4): speaks the OpenAI Chat Completions
 * wire (`POST /v1/chat/completions`) and the Anthropic Messages wire (`POST /v1/messages`), as SSE
 * when the request has `stream: true` and as JSON otherwise, plus `GET /v1/models`.
 *
 * Each test scripts a FIFO of steps with `enqueue`. A request with no step left gets HTTP 500
 * "fake-llm: unexpected call", so a test that makes more calls than it scripted fails loudly.
 * Every request is recorded (path, headers, parsed body).
 *
 * Usage numbers in a step are written as each wire writes them: for OpenAI `input` is
 * `prompt_tokens` (cached tokens included) and `cacheRead` is `prompt_tokens_details.cached_tokens`;
 * for Anthropic `input` is `input_tokens` (cache excluded), `cacheRead` / `cacheWrite` are
 * `cache_read_input_tokens` / `cache_creation_input_tokens`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined for GET or an unparsable body). */
  body: any;
  wire: 'openai' | 'anthropic' | 'other';
}

interface StepBase {
  /** The request must satisfy this, or it is answered with HTTP 500 (the step stays queued). */
  match?: (request: RecordedRequest) => boolean;
  /** The model id the response reports (default: the requested one). */
  model?: string;
}

export interface FakeToolCall {
  name: string;
  /** An object (sent as its JSON) or a raw string (sent as is: use it for invalid JSON). */
  args: unknown;
  id?: string;
}

export type FakeStep =
  | (StepBase & { kind: 'text'; text: string; usage?: FakeUsage })
  | (StepBase & { kind: 'toolCalls'; calls: FakeToolCall[]; text?: string; usage?: FakeUsage })
  | (StepBase & { kind: 'status'; code: number; headers?: Record<string, string>; body?: unknown })
  | (StepBase & { kind: 'hang' })
  | (StepBase & { kind: 'streamThenDrop'; chunks: number })
  | (StepBase & { kind: 'streamError'; errorType: string; message?: string; afterText?: string });

type Extra = Omit<StepBase, never>;

export function text(value: string, options: { usage?: FakeUsage } & Extra = {}): FakeStep {
  return { kind: 'text', text: value, ...options };
}

export function toolCalls(calls: FakeToolCall[], options: { usage?: FakeUsage; text?: string } & Extra = {}): FakeStep {
  return { kind: 'toolCalls', calls, ...options };
}

export function status(code: number, options: { headers?: Record<string, string>; body?: unknown } & Extra = {}): FakeStep {
  return { kind: 'status', code, ...options };
}

/** Accepts the request and never answers (until the client gives up or the server closes). */
export function hang(options: Extra = {}): FakeStep {
  return { kind: 'hang', ...options };
}

/** A 200 SSE response that sends `chunks` events and then destroys the socket. */
export function streamThenDrop(chunks: number, options: Extra = {}): FakeStep {
  return { kind: 'streamThenDrop', chunks, ...options };
}

/** Anthropic: a 200 SSE response with `event: error` (after message_start, and `afterText` if given). */
export function streamError(errorType = 'overloaded_error', options: { message?: string; afterText?: string } & Extra = {}): FakeStep {
  return { kind: 'streamError', errorType, ...options };
}

export const steps = { text, toolCalls, status, hang, streamThenDrop, streamError };

export interface FakeLlm {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/v1'`: the OpenAI and OpenAI-compatible base URL. */
  openaiBaseURL: string;
  /** `url + '/v1'`: @ai-sdk/anthropic appends `/messages` to its base URL. */
  anthropicBaseURL: string;
  enqueue(...steps: FakeStep[]): void;
  /** Answers requests that find the queue empty (undefined: HTTP 500 "unexpected call" as before). */
  respond(responder: ((request: RecordedRequest) => FakeStep | undefined) | undefined): void;
  /** Steps not consumed yet. */
  readonly pending: number;
  requests: RecordedRequest[];
  /** Requests that found no step (answered 500). */
  unexpected: RecordedRequest[];
  /** Chat requests only (OpenAI or Anthropic wire). */
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

let sequence = 0;

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: FakeStep[] = [];
  let responder: ((request: RecordedRequest) => FakeStep | undefined) | undefined;
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake-llm crashed: ${String(error)}` } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    let body: any;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const wire: RecordedRequest['wire'] = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/messages') ? 'anthropic' : 'other';
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers, body, wire };
    requests.push(recorded);

    if (req.method === 'GET' && path.endsWith('/models')) {
      json(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 1_700_000_000, owned_by: 'fake' }] });
      return;
    }
    if (wire === 'other') {
      json(res, 404, { error: { message: `fake-llm: no route for ${req.method} ${path}` } });
      return;
    }
    // An empty queue falls back to the responder, if one is set (whole-workflow runs whose calls
    // arrive in no fixed order answer each request from its content).
    const step = queue[0] ?? responder?.(recorded);
    if (!step) {
      unexpected.push(recorded);
      json(res, 500, errorBody(wire, 500, `fake-llm: unexpected call to ${path} (no step queued)`));
      return;
    }
    if (step.match && !step.match(recorded)) {
      unexpected.push(recorded);
      json(res, 500, errorBody(wire, 500, `fake-llm: the request to ${path} did not match the next step`));
      return;
    }
    if (queue[0] === step) queue.shift();
    const streaming = body?.stream === true;
    const model = step.model ?? (typeof body?.model === 'string' ? body.model : 'fake-model');
    switch (step.kind) {
      case 'status': {
        const payload = step.body === undefined ? errorBody(wire, step.code, `fake-llm status ${step.code}`) : step.body;
        res.writeHead(step.code, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...(step.headers ?? {}) });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
        return;
      }
      case 'hang':
        // Neither headers nor body: the client waits until it aborts or the server closes.
        return;
      case 'streamThenDrop': {
        sse(res);
        const events = wire === 'openai' ? openaiEvents({ kind: 'text', text: 'partial answer that will be cut off' }, model, false) : anthropicEvents({ kind: 'text', text: 'partial answer that will be cut off' }, model);
        const sent = events.slice(0, Math.max(0, step.chunks));
        res.write(sent.join(''), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      case 'streamError': {
        sse(res);
        const start = anthropicEvents({ kind: 'text', text: step.afterText ?? '' }, model);
        // message_start, then (with afterText) a text block start and its delta.
        const prefix = step.afterText ? start.slice(0, 3) : start.slice(0, 1);
        res.end(prefix.join('') + sseEvent('error', { type: 'error', error: { type: step.errorType, message: step.message ?? step.errorType } }));
        return;
      }
      case 'text':
      case 'toolCalls': {
        if (wire === 'openai') {
          if (streaming) {
            sse(res);
            res.end(openaiEvents(step, model, body?.stream_options?.include_usage === true).join(''));
          } else json(res, 200, openaiJson(step, model));
        } else if (streaming) {
          sse(res);
          res.end(anthropicEvents(step, model).join(''));
        } else json(res, 200, anthropicJson(step, model));
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: `${url}/v1`,
    enqueue: (...added) => void queue.push(...added),
    respond: (next) => {
      responder = next;
    },
    get pending() {
      return queue.length;
    },
    requests,
    unexpected,
    chatRequests: () => requests.filter((request) => request.wire !== 'other'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

type ReplyStep = Extract<FakeStep, { kind: 'text' | 'toolCalls' }>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, code: number, value: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

function sseEvent(event: string | undefined, data: unknown): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

function errorBody(wire: RecordedRequest['wire'], code: number, message: string): unknown {
  if (wire === 'anthropic') {
    const type = code === 401 ? 'authentication_error' : code === 403 ? 'permission_error' : code === 429 ? 'rate_limit_error' : code === 529 ? 'overloaded_error' : code >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  const type = code === 401 ? 'invalid_request_error' : code === 429 ? 'rate_limit_exceeded' : code >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: code === 401 ? 'invalid_api_key' : null } };
}

/** Splits `value` into `parts` non-empty pieces (fewer when it is short). */
export function split(value: string, parts = 3): string[] {
  if (value.length <= 1) return [value];
  const size = Math.ceil(value.length / Math.min(parts, value.length));
  const pieces: string[] = [];
  for (let index = 0; index < value.length; index += size) pieces.push(value.slice(index, index + size));
  return pieces;
}

function argsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

function callId(call: FakeToolCall, prefix: string): string {
  sequence += 1;
  return call.id ?? `${prefix}${sequence}`;
}

// ---- OpenAI Chat Completions ----

function openaiUsage(usage: FakeUsage | undefined): Record<string, unknown> {
  const input = usage?.input ?? 10;
  const output = usage?.output ?? 5;
  const reasoning = usage?.reasoning;
  return {
    prompt_tokens: input,
    completion_tokens: output + (reasoning ?? 0),
    total_tokens: input + output + (reasoning ?? 0),
    ...(usage?.cacheRead === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cacheRead } }),
    ...(reasoning === undefined ? {} : { completion_tokens_details: { reasoning_tokens: reasoning } }),
  };
}

function openaiEvents(step: ReplyStep | { kind: 'text'; text: string; usage?: FakeUsage }, model: string, includeUsage: boolean): string[] {
  sequence += 1;
  const base = { id: `chatcmpl-fake-${sequence}`, object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => sseEvent(undefined, { ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' })];
  const textValue = step.kind === 'text' ? step.text : (step.text ?? '');
  if (textValue !== '') for (const piece of split(textValue)) events.push(chunk({ content: piece }));
  if (step.kind === 'toolCalls') {
    step.calls.forEach((call, index) => {
      events.push(chunk({ tool_calls: [{ index, id: callId(call, 'call_'), type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const piece of split(argsText(call.args))) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
  }
  events.push(chunk({}, step.kind === 'toolCalls' ? 'tool_calls' : 'stop'));
  if (includeUsage) events.push(sseEvent(undefined, { ...base, choices: [], usage: openaiUsage(step.usage) }));
  events.push('data: [DONE]\n\n');
  return events;
}

function openaiJson(step: ReplyStep, model: string): unknown {
  sequence += 1;
  const textValue = step.kind === 'text' ? step.text : (step.text ?? null);
  return {
    id: `chatcmpl-fake-${sequence}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: textValue,
          ...(step.kind === 'toolCalls'
            ? { tool_calls: step.calls.map((call) => ({ id: callId(call, 'call_'), type: 'function', function: { name: call.name, arguments: argsText(call.args) } })) }
            : {}),
        },
        finish_reason: step.kind === 'toolCalls' ? 'tool_calls' : 'stop',
      },
    ],
    usage: openaiUsage(step.usage),
  };
}

// ---- Anthropic Messages ----

function anthropicInputUsage(usage: FakeUsage | undefined): Record<string, unknown> {
  return {
    input_tokens: usage?.input ?? 10,
    ...(usage?.cacheWrite === undefined ? {} : { cache_creation_input_tokens: usage.cacheWrite }),
    ...(usage?.cacheRead === undefined ? {} : { cache_read_input_tokens: usage.cacheRead }),
  };
}

function anthropicEvents(step: ReplyStep | { kind: 'text'; text: string; usage?: FakeUsage }, model: string): string[] {
  sequence += 1;
  const events = [
    sseEvent('message_start', {
      type: 'message_start',
      message: {
        id: `msg_fake_${sequence}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicInputUsage(step.usage), output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  const textValue = step.kind === 'text' ? step.text : (step.text ?? '');
  if (textValue !== '' || step.kind === 'text') {
    events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const piece of split(textValue)) events.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
    events.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  if (step.kind === 'toolCalls') {
    for (const call of step.calls) {
      events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: callId(call, 'toolu_'), name: call.name, input: {} } }));
      for (const piece of split(argsText(call.args))) events.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
      events.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
      index += 1;
    }
  }
  events.push(
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: step.kind === 'toolCalls' ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: step.usage?.output ?? 5 },
    }),
  );
  events.push(sseEvent('message_stop', { type: 'message_stop' }));
  return events;
}

function anthropicJson(step: ReplyStep, model: string): unknown {
  sequence += 1;
  const content: unknown[] = [];
  const textValue = step.kind === 'text' ? step.text : (step.text ?? '');
  if (textValue !== '') content.push({ type: 'text', text: textValue });
  if (step.kind === 'toolCalls') {
    for (const call of step.calls) content.push({ type: 'tool_use', id: callId(call, 'toolu_'), name: call.name, input: typeof call.args === 'string' ? call.args : call.args });
  }
  return {
    id: `msg_fake_${sequence}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: step.kind === 'toolCalls' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { ...anthropicInputUsage(step.usage), output_tokens: step.usage?.output ?? 5 },
  };
}
