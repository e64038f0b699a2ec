import { describe, expect, it } from 'vitest';
import { AgentStoppedError, type AgentRequest } from '../../../src/dispatch/dispatcher.js';
import { WfUsageError } from '../../../src/errors.js';
import { validatorFor } from '../../../src/schema/index.js';
import { DEFAULT_MOCK_USAGE, ScriptedDispatcher } from '../../../src/testing/index.js';

let nextIndex = 0;
function request(prompt: string, extra: Partial<AgentRequest> = {}): AgentRequest {
  return { runId: 'run-1', index: nextIndex++, prompt, label: prompt.slice(0, 20), attempt: 1, ...extra };
}
const live = () => new AbortController().signal;

const FILES = { type: 'object', required: ['files'], properties: { files: { type: 'array', items: { type: 'string' } } } };

describe('ScriptedDispatcher', () => {
  it('is a Dispatcher named mock with the default usage', async () => {
    const mock = new ScriptedDispatcher();
    expect(mock.name).toBe('mock');
    const reply = await mock.run(request('hello'), live());
    expect(reply).toEqual({ output: 'done: hello', usage: { input: 100, output: 10, reasoning: 0 }, model: 'mock' });
    expect(DEFAULT_MOCK_USAGE).toEqual({ input: 100, output: 10, reasoning: 0 });
  });

  it('C1 its profile names its own harness, the model that serves a call, and the tools of an agentType', () => {
    const mock = new ScriptedDispatcher({ model: 'prov/m1', agentTypes: { coder: { tools: ['grep', 'read_file'] } } });
    expect(mock.profile({})).toEqual({ harness: 'mock@1', model: 'prov/m1', readsWorkspace: false });
    expect(mock.profile({ model: 'prov/m2' }).model).toBe('prov/m2');
    const coder = mock.profile({ agentType: 'coder' });
    expect(coder.readsWorkspace).toBe(true);
    expect(coder.tools?.map((tool) => tool.name)).toEqual(['grep', 'read_file']);
    expect(new ScriptedDispatcher({ name: 'simulate' }).profile({}).harness).toBe('simulate@1');
  });

  it('A02 an unmatched schema agent gets a minimal valid instance; a scripted one gets its reply', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'list', reply: { files: ['a.ts', 'b.ts'] } }] });
    const scripted = await mock.run(request('list files', { schema: FILES }), live());
    expect(scripted.output).toEqual({ files: ['a.ts', 'b.ts'] });
    const synthesized = await mock.run(request('other', { schema: FILES }), live());
    expect(synthesized.output).toEqual({ files: ['x'] });
    expect(validatorFor(FILES)(synthesized.output)).toEqual({ ok: true });
  });

  it('A03 replies is a sequence per rule; the last one repeats', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'list', replies: [{ files: 'nope' }, { files: ['ok.ts'] }] }] });
    const outputs = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      outputs.push((await mock.run(request('list files', { schema: FILES, attempt }), live())).output);
    }
    expect(outputs).toEqual([{ files: 'nope' }, { files: ['ok.ts'] }, { files: ['ok.ts'] }]);
  });

  it('A05 a string reply reaches a schema agent unchanged (the engine parses it)', async () => {
    const text = 'Here:\n```json\n{"files":["x.ts"]}\n```';
    const mock = new ScriptedDispatcher({ rules: [{ reply: text }] });
    expect((await mock.run(request('p', { schema: FILES }), live())).output).toBe(text);
  });

  it('A08 fail rejects with a plain Error; stop rejects with AgentStoppedError', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'f', fail: 'api down' }, { match: 's', stop: true }] });
    const failed = mock.run(request('f'), live());
    await expect(failed).rejects.toThrow('api down');
    await failed.catch((error: unknown) => expect(error).not.toBeInstanceOf(AgentStoppedError));
    await expect(mock.run(request('s'), live())).rejects.toBeInstanceOf(AgentStoppedError);
    expect((await mock.run(request('ok'), live())).output).toBe('done: ok');
  });

  it('A10 an empty text reply is passed through as it is', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ reply: '' }] });
    expect((await mock.run(request('x'), live())).output).toBe('');
  });

  it('A16 identical prompts are two dispatches, each recorded', async () => {
    const mock = new ScriptedDispatcher();
    await mock.run(request('same prompt'), live());
    await mock.run(request('same prompt'), live());
    expect(mock.calls.map((call) => call.prompt)).toEqual(['same prompt', 'same prompt']);
    expect(mock.finished).toHaveLength(2);
  });

  it('the last matching rule wins; a rule without match or regex matches everything', async () => {
    const mock = new ScriptedDispatcher({
      rules: [{ reply: 'catch-all' }, { match: 'review', reply: 'first' }, { regex: '^review (a|b)$', reply: 'second' }],
    });
    expect((await mock.run(request('review a'), live())).output).toBe('second');
    expect((await mock.run(request('please review c'), live())).output).toBe('first');
    expect((await mock.run(request('summarize'), live())).output).toBe('catch-all');
  });

  it('match and regex on one rule must both hold', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'x', regex: '\\d', reply: 'both' }] });
    expect((await mock.run(request('x1'), live())).output).toBe('both');
    expect((await mock.run(request('x'), live())).output).toBe('done: x');
  });

  it('on() appends a rule that wins, and supports request predicates and reply functions', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ reply: 'old' }] });
    mock.on({ when: (call) => call.phase === 'B', reply: (call: AgentRequest) => `phase ${call.phase}: ${call.prompt}` });
    expect((await mock.run(request('p', { phase: 'B' }), live())).output).toBe('phase B: p');
    expect((await mock.run(request('p', { phase: 'A' }), live())).output).toBe('old');
  });

  it('a text agent gets a non-string reply as JSON text', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'obj', reply: { a: 1 } }, { match: 'num', reply: 42 }] });
    expect((await mock.run(request('obj'), live())).output).toBe('{"a":1}');
    expect((await mock.run(request('num'), live())).output).toBe('42');
  });

  it('usage fields and the served model can be overridden', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ usage: { output: 50, cacheRead: 7 }, model: 'openai/gpt-5' }] });
    const reply = await mock.run(request('x', { model: 'fast' }), live());
    expect(reply.usage).toEqual({ input: 100, output: 50, reasoning: 0, cacheRead: 7 });
    expect(reply.model).toBe('openai/gpt-5');
    expect((await new ScriptedDispatcher().run(request('x', { model: 'fast' }), live())).model).toBe('fast');
  });

  it('delayMs delays the answer; calls, finished and maxRunning record the order', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ match: 'slow', delayMs: 30 }] });
    const replies = await Promise.all([mock.run(request('slow'), live()), mock.run(request('fast'), live())]);
    expect(replies.map((reply) => reply.output)).toEqual(['done: slow', 'done: fast']);
    expect(mock.calls.map((call) => call.prompt)).toEqual(['slow', 'fast']);
    expect(mock.finished.map((call) => call.prompt)).toEqual(['fast', 'slow']);
    expect(mock.maxRunning).toBe(2);
    expect(mock.running).toBe(0);
  });

  it('an abort cuts a delay short with AgentStoppedError', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ delayMs: 60_000 }] });
    const controller = new AbortController();
    const pending = mock.run(request('x'), controller.signal);
    await mock.waitForCalls(1);
    const started = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AgentStoppedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(mock.running).toBe(0);
    expect(mock.finished).toHaveLength(1);
  });

  it('an already aborted signal stops the agent at once', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new ScriptedDispatcher().run(request('x'), controller.signal)).rejects.toBeInstanceOf(AgentStoppedError);
  });

  it('hold waits for release(match) or release()', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ hold: true }] });
    const a = mock.run(request('alpha'), live());
    const b = mock.run(request('beta'), live());
    await mock.waitForHeld(2);
    expect(mock.held).toBe(2);
    expect(mock.running).toBe(2);
    expect(mock.release('beta')).toBe(1);
    expect((await b).output).toBe('done: beta');
    expect(mock.held).toBe(1);
    expect(mock.finished.map((call) => call.prompt)).toEqual(['beta']);
    expect(mock.release()).toBe(1);
    expect((await a).output).toBe('done: alpha');
    expect(mock.release()).toBe(0);
  });

  it('an abort ends a held call as stopped', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ hold: true }] });
    const controller = new AbortController();
    const pending = mock.run(request('x'), controller.signal);
    await mock.waitForHeld(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AgentStoppedError);
    expect(mock.held).toBe(0);
  });

  it('a held rule can still fail once released', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ hold: true, fail: 'boom' }] });
    const pending = mock.run(request('x'), live());
    await mock.waitForHeld(1);
    mock.release();
    await expect(pending).rejects.toThrow('boom');
  });

  it('waitForCalls resolves once enough dispatches have started', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ hold: true }] });
    let resolved = false;
    const waiting = mock.waitForCalls(2).then(() => (resolved = true));
    void mock.run(request('one'), live());
    await Promise.resolve();
    expect(resolved).toBe(false);
    void mock.run(request('two'), live());
    await waiting;
    expect(resolved).toBe(true);
    mock.release();
  });

  it('maxRunning records the concurrency high-water mark', async () => {
    const mock = new ScriptedDispatcher({ rules: [{ delayMs: 5 }] });
    await Promise.all([1, 2, 3].map((n) => mock.run(request(`p${n}`), live())));
    await mock.run(request('alone'), live());
    expect(mock.maxRunning).toBe(3);
  });

  it('bad rules are usage errors naming the field', () => {
    expect(() => new ScriptedDispatcher({ rules: [{ match: 'a' }, { delayMs: -1 }] })).toThrow(
      new WfUsageError('rules[1].delayMs must be a non-negative number'),
    );
    expect(() => new ScriptedDispatcher().on({ regex: '(' })).toThrow(/rules\[0\]\.regex is not a valid regular expression/);
    expect(() => new ScriptedDispatcher().on({ reply: 'a', fail: 'b' })).toThrow(/sets both reply and fail/);
    expect(() => new ScriptedDispatcher().on({ replyes: ['a'] } as never)).toThrow(/unknown key "replyes" \(did you mean "replies"\?\)/);
  });
});
