import { describe, expect, test } from 'vitest';
import { errorOf, resultOf, runScript } from '../support/run-script.js';

const FILES_SCHEMA = '{ type: "object", required: ["files"], properties: { files: { type: "array", items: { type: "string" } } } }';

describe('A: agent()', () => {
  test('A1 A01 a text agent resolves to its final text; one dispatch per call', async () => {
    const { summary, dispatcher } = await runScript(
      'const r = await agent("what is 2+2?"); await agent("b"); await agent("c"); return { r, type: typeof r }',
      { rules: [{ match: 'what is', reply: 'answer to: what is 2+2?' }] },
    );
    expect(summary.result).toEqual({ r: 'answer to: what is 2+2?', type: 'string' });
    expect(dispatcher.calls).toHaveLength(3);
  });

  test('A1 A02 a schema agent resolves to the validated object', async () => {
    const result = await resultOf(`const r = await agent("list files", { schema: ${FILES_SCHEMA} }); return [r, r.files.length]`, {
      rules: [{ match: 'list files', reply: { files: ['a.ts', 'b.ts'] } }],
    });
    expect(result).toEqual([{ files: ['a.ts', 'b.ts'] }, 2]);
  });

  test('A3 A03 an invalid structured reply is sent back and the valid retry is returned', async () => {
    const { summary, dispatcher } = await runScript(`return await agent("list files", { schema: ${FILES_SCHEMA} })`, {
      rules: [{ match: 'list files', replies: [{ files: 'nope' }, { files: ['ok.ts'] }] }],
    });
    expect(summary.result).toEqual({ files: ['ok.ts'] });
    expect(dispatcher.calls).toHaveLength(2);
    expect(dispatcher.calls[1]!.attempt).toBe(2);
    expect(dispatcher.calls[1]!.feedback).toMatch(/files/);
  });

  test('A3 A04 after 5 invalid attempts agent() throws a catchable error quoting the last failure', async () => {
    const { summary, dispatcher, journal } = await runScript(
      `try { await agent("list files", { schema: ${FILES_SCHEMA} }) } catch (e) { return e.message }`,
      { rules: [{ match: 'list files', reply: { files: 42 } }] },
    );
    expect(summary.result).toMatch(/^structured output failed validation after 5 attempts: .*files/);
    expect(dispatcher.calls).toHaveLength(5);
    const end = journal.find((event) => event.type === 'agent-end');
    expect(end?.status).toBe('failed');
  });

  test('A3 A04 the attempt count is configurable and an uncaught exhaustion fails the run', async () => {
    const { summary, dispatcher } = await runScript(`return await agent("list files", { schema: ${FILES_SCHEMA} })`, {
      rules: [{ match: 'list files', reply: { files: 42 } }],
      schemaAttempts: 2,
    });
    expect(summary.status).toBe('failed');
    expect(summary.error?.message).toMatch(/after 2 attempts/);
    expect(dispatcher.calls).toHaveLength(2);
  });

  test('A3 A05 a reply that never uses the submit tool but holds fenced JSON is accepted', async () => {
    const result = await resultOf(`return await agent("list files", { schema: ${FILES_SCHEMA} })`, {
      rules: [{ match: 'list files', reply: 'Here you go:\n```json\n{"files":["x.ts"]}\n```' }],
    });
    expect(result).toEqual({ files: ['x.ts'] });
  });

  test('A4 A06 a required key excluded by additionalProperties:false throws before any dispatch', async () => {
    const { summary, dispatcher } = await runScript(`try {
        await agent("x", { schema: { type: "object", additionalProperties: false, properties: { a: { type: "string" } }, required: ["b"] } })
      } catch (e) { return e.message }`);
    expect(summary.result).toMatch(/schema rejected before the agent started/);
    expect(summary.result).toMatch(/"b"/);
    expect(summary.result).toMatch(/additionalProperties/);
    expect(dispatcher.calls).toHaveLength(0);
    expect(summary.agentCount).toBe(0);
  });

  test('A4 A07 unsatisfiable schemas are rejected before dispatch, nested ones with their path', async () => {
    const result = await resultOf(`const schemas = [
        { type: "string" }, { type: "array" }, {},
        { type: "object", properties: { n: { type: "number", minimum: 5, maximum: 1 } } },
        { type: "object", properties: { e: { enum: [] } } },
        { type: "object", properties: { outer: { type: "object", properties: { l: { type: "array", minItems: 3, maxItems: 1 } } } } },
      ];
      const out = [];
      for (const schema of schemas) { try { await agent("x", { schema }); out.push("ran") } catch (e) { out.push(e.message) } }
      out.push(typeof await agent("ok", { schema: { properties: { a: { type: "string" } } } }));
      return out`);
    const messages = result as string[];
    expect(messages.slice(0, 6).every((m) => m.startsWith('schema rejected before the agent started'))).toBe(true);
    expect(messages[5]).toMatch(/outer/);
    expect(messages[6]).toBe('object');
  });

  test('A5 A08 failed and stopped agents resolve null; records keep the error text', async () => {
    const { summary, agentRecords } = await runScript('return [await agent("f"), await agent("s"), await agent("ok")]', {
      rules: [{ match: 'f', fail: 'api down' }, { match: 's', stop: true }],
    });
    expect(summary.status).toBe('completed');
    expect(summary.result).toEqual([null, null, 'done: ok']);
    const records = agentRecords();
    expect(records.map((r) => r.status)).toEqual(['failed', 'stopped', 'completed']);
    expect(records[0]!.error).toBe('api down');
  });

  test('A5 A09 a dispatcher that rejects makes agent() resolve null with the error recorded', async () => {
    const { summary, agentRecords } = await runScript('return await agent("x")', { rules: [{ match: 'x', fail: 'transport error' }] });
    expect(summary.result).toBeNull();
    expect(agentRecords()[0]!.error).toBe('transport error');
  });

  test('A5 A10 an empty reply is a failure: agent() resolves null', async () => {
    const { summary, agentRecords } = await runScript('return await agent("x")', { rules: [{ match: 'x', reply: '   ' }] });
    expect(summary.result).toBeNull();
    expect(agentRecords()[0]!.status).toBe('failed');
  });

  test('A5 A11 a non-string prompt and non-object options throw catchable errors with zero dispatches', async () => {
    const { summary, dispatcher } = await runScript(`const out = [];
      try { await agent(42) } catch (e) { out.push(e.message) }
      try { await agent("x", "fast") } catch (e) { out.push(e.message) }
      return out`);
    expect(summary.result).toEqual([
      'agent(prompt, options): prompt must be a string, got number 42',
      'agent(prompt, options): options must be an object, got string "fast"',
    ]);
    expect(dispatcher.calls).toHaveLength(0);
  });

  test('A2 A12 the dispatcher receives the known options; unknown keys are dropped with a warning', async () => {
    const { dispatcher, summary } = await runScript('return await agent("x", { model: "openai/gpt-5", effort: "high", agentType: "explore", isolation: "worktree", bogus: 1 })');
    const call = dispatcher.calls[0]!;
    expect(call).toMatchObject({ model: 'openai/gpt-5', effort: 'high', agentType: 'explore', isolation: 'worktree', index: 0 });
    expect(call.runId).toBe(summary.runId);
    expect('bogus' in call).toBe(false);
    expect(summary.warnings).toContain('agent(): unknown option "bogus" was dropped');
  });

  test('A2 A13 a wrong option type throws: effort must be one of the levels', async () => {
    const result = await resultOf(`const out = [];
      for (const o of [{ effort: "turbo" }, { label: 5 }, { isolation: "docker" }, { timeout: "soon" }, { max_tool_calls: -1 }, { schema: "string" }]) {
        try { await agent("x", o) } catch (e) { out.push(e.name + ": " + e.message) }
      }
      return out`);
    expect(result).toEqual([
      'TypeError: agent(prompt, options): effort must be one of low, medium, high, xhigh, max, got "turbo"',
      'TypeError: agent(prompt, options): label must be a non-empty string, got number 5',
      'TypeError: agent(prompt, options): isolation must be "worktree", got "docker"',
      'TypeError: agent(prompt, options): timeout: expected a duration like 500ms, 30s, 5m, 2h or 7d, got "soon"',
      'TypeError: agent(prompt, options): max_tool_calls must be a non-negative integer, got number -1',
      'TypeError: agent(prompt, options): schema must be a JSON Schema object, got "string"',
    ]);
  });

  test('A2 a per-agent timeout fails that agent (null) and the run goes on', async () => {
    const { summary, agentRecords } = await runScript('return [await agent("slow", { timeout: "100ms" }), await agent("fast")]', {
      rules: [{ match: 'slow', hold: true }],
    });
    expect(summary.result).toEqual([null, 'done: fast']);
    expect(agentRecords()[0]!.error).toMatch(/timed out after 100 ms/);
  });

  test('A2 A14 labels and phases: explicit phase overrides the current one; auto labels are non-empty', async () => {
    const { dispatcher, agentRecords } = await runScript('phase("A"); await agent("one", { label: "first" }); await agent("two", { phase: "B" }); await agent("three")');
    expect(dispatcher.calls.map((c) => c.phase)).toEqual(['A', 'B', 'A']);
    const records = agentRecords();
    expect(records.map((r) => [r.label, r.phase])).toEqual([['first', 'A'], ['two', 'B'], ['three', 'A']]);
  });

  test('A15 indices follow call order regardless of completion order', async () => {
    const { dispatcher } = await runScript('return await parallel([() => agent("a"), () => agent("b"), () => agent("c")])', {
      rules: [{ match: 'a', delayMs: 30 }],
    });
    expect(dispatcher.calls.map((c) => [c.index, c.prompt])).toEqual([[0, 'a'], [1, 'b'], [2, 'c']]);
  });

  test('A6 A16 two identical calls are two dispatches with two records', async () => {
    const { dispatcher, agentRecords, summary } = await runScript('const first = await agent("same prompt"); const second = await agent("same prompt"); return [first, second]', {
      rules: [{ match: 'same', replies: ['one', 'two'] }],
    });
    expect(dispatcher.calls).toHaveLength(2);
    expect(summary.result).toEqual(['one', 'two']);
    expect(agentRecords()).toHaveLength(2);
  });

  test('A17 duplicate labels are disambiguated for display', async () => {
    const { agentRecords } = await runScript('await parallel([() => agent("a", { label: "same" }), () => agent("b", { label: "same" })])');
    expect(agentRecords().map((r) => r.label)).toEqual(['same', 'same [2]']);
  });

  test('A1 the options reach the dispatcher exactly once per attempt, with the schema', async () => {
    const { dispatcher } = await runScript(`await agent("s", { schema: ${FILES_SCHEMA} })`);
    expect(dispatcher.calls[0]!.schema).toEqual({ type: 'object', required: ['files'], properties: { files: { type: 'array', items: { type: 'string' } } } });
  });

  test('A5 uncaught schema exhaustion error message names the failure once (no Error: Error:)', async () => {
    const error = await errorOf(`return await agent("l", { schema: ${FILES_SCHEMA} })`, { rules: [{ match: 'l', reply: { files: 1 } }], schemaAttempts: 1 });
    expect(error.name).toBe('StructuredOutputError');
    expect(error.message.startsWith('structured output failed validation after 1 attempts')).toBe(true);
  });
});
