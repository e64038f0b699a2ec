import { describe, expect, test } from 'vitest';
import { defaultConcurrency, resolveConcurrency } from '../../src/engine/limits.js';
import { parseDuration } from '../../src/engine/duration.js';
import { resultOf, runScript } from '../support/run-script.js';

describe('L: limits and concurrency', () => {
  test('L1 L01 default concurrency is min(16, cpus − 2), at least 1; overrides clamp to 1..256; garbage is ignored', () => {
    expect([64, 20, 8, 2, 1].map((cpus) => defaultConcurrency(cpus))).toEqual([16, 16, 6, 1, 1]);
    expect(['3', '0', '999', '40'].map((value) => resolveConcurrency(value, 4))).toEqual([3, 1, 256, 40]);
    expect(['abc', '', undefined].map((value) => resolveConcurrency(value, 8))).toEqual([6, 6, 6]);
  });

  test('L1 L02 the concurrency cap is reached exactly and excess calls queue', async () => {
    const { summary, dispatcher, events } = await runScript('return await parallel(Array.from({ length: 6 }, (_, i) => () => agent("a" + i)))', {
      concurrency: 2,
      rules: [{ delayMs: 30 }],
    });
    expect((summary.result as unknown[]).length).toBe(6);
    expect(dispatcher.maxRunning).toBe(2);
    expect(events.filter((e) => e.type === 'agent-queue')).toHaveLength(6);
  });

  test('L2 L03 1000 agents run; the 1001st throws "agent limit reached"', async () => {
    const { summary, dispatcher } = await runScript(`const r = await parallel(Array.from({ length: 1000 }, (_, i) => () => agent("a" + i)));
      try { await agent("one more") } catch (e) { return [r.filter(Boolean).length, e.message] }`, { concurrency: 64 });
    expect(summary.result).toEqual([1000, 'agent limit reached: a workflow run can start at most 1000 agents']);
    expect(dispatcher.calls).toHaveLength(1000);
  }, 60_000);

  test('L2 L04 the agent limit is configurable', async () => {
    const { summary, dispatcher } = await runScript('for (let i = 0; i < 3; i++) await agent("a" + i); try { await agent("x") } catch (e) { return e.message }', { maxAgents: 3 });
    expect(summary.result).toMatch(/at most 3 agents/);
    expect(dispatcher.calls).toHaveLength(3);
  });

  test('L3 L05 no warning at 25 agents, exactly one at 30, and the run completes', async () => {
    const at25 = await runScript('await parallel(Array.from({ length: 25 }, (_, i) => () => agent("a" + i)))');
    const at30 = await runScript('await parallel(Array.from({ length: 30 }, (_, i) => () => agent("a" + i)))');
    const large = (run: typeof at25) => run.events.filter((e) => e.type === 'warning' && /large workflow/.test(e.message));
    expect(large(at25)).toHaveLength(0);
    expect(large(at30)).toHaveLength(1);
    expect(at30.summary.status).toBe('completed');
  });

  test('L1 L06 a child workflow shares the parent concurrency cap', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nreturn await parallel([() => agent("c1"), () => agent("c2")])';
    const { dispatcher } = await runScript('return await parallel([() => agent("p1"), () => agent("p2"), () => workflow("c")])', {
      concurrency: 2,
      rules: [{ delayMs: 20 }],
      files: { 'c.js': child },
    });
    expect(dispatcher.maxRunning).toBe(2);
    expect(dispatcher.calls).toHaveLength(4);
  });

  test('L2 L07 child agents count toward the run-wide agent limit', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nawait agent("c1"); try { await agent("c2") } catch (e) { return e.message }';
    expect(await resultOf('await agent("p1"); return await workflow("c")', { maxAgents: 2, files: { 'c.js': child } })).toMatch(/at most 2 agents/);
  });

  test('L4 durations accept milliseconds and 500ms, 30s, 5m, 2h, 7d; garbage is refused', () => {
    expect([500, '500ms', '30s', '5m', '2h', '7d'].map((value) => parseDuration(value))).toEqual([
      { ok: true, ms: 500 }, { ok: true, ms: 500 }, { ok: true, ms: 30_000 }, { ok: true, ms: 300_000 }, { ok: true, ms: 7_200_000 }, { ok: true, ms: 604_800_000 },
    ]);
    expect(parseDuration('abc').ok).toBe(false);
    expect(parseDuration(-1).ok).toBe(false);
  });
});

describe('W: nested workflow()', () => {
  const inner = 'export const meta = { name: "inner", description: "d" };\nreturn "inner:" + args.x + ":" + await agent("inner agent")';

  test('W1 W01 a saved workflow runs inline and returns its result', async () => {
    expect(await resultOf('return await workflow("inner", { x: 7 })', { files: { 'inner.js': inner } })).toBe('inner:7:done: inner agent');
  });

  test('W2 W02 a child called with no args sees undefined', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nreturn typeof args';
    expect(await resultOf('return await workflow({ scriptPath: "./c.js" })', { files: { 'c.js': child } })).toBe('undefined');
  });

  test('W1 W03 the child shares the budget, the indices and the agent count', async () => {
    const child = 'export const meta = { name: "inner", description: "d" };\nawait agent("in1"); await agent("in2"); return budget.total';
    const { summary, dispatcher } = await runScript('await agent("out1"); const t = await workflow("inner"); await agent("out2"); return t', { budget: 1000, files: { 'inner.js': child } });
    expect(summary.result).toBe(1000);
    expect(dispatcher.calls.map((c) => [c.index, c.prompt])).toEqual([[0, 'out1'], [1, 'in1'], [2, 'in2'], [3, 'out2']]);
    expect(summary.agentCount).toBe(4);
  });

  test('W2 W04 args reach the child exactly: null stays null, omitted is undefined', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nreturn args === null ? "null" : typeof args';
    expect(await resultOf('return [await workflow("c", null), await workflow("c"), await workflow("c", undefined), await workflow("c", 0)]', { files: { 'c.js': child } })).toEqual([
      'null', 'undefined', 'undefined', 'number',
    ]);
  });

  test('W2 W05 workflows nest one level only: a child calling workflow() gets a catchable error', async () => {
    const mid = 'export const meta = { name: "mid", description: "d" };\ntry { await workflow("leaf") } catch (e) { return e.message }';
    const leaf = 'export const meta = { name: "leaf", description: "d" };\nreturn 1';
    expect(await resultOf('return await workflow("mid")', { files: { 'mid.js': mid, 'leaf.js': leaf } })).toMatch(/one level only/);
  });

  test('W2 W06 an unknown name throws unknown workflow "ghost", catchably', async () => {
    expect(await resultOf('try { await workflow("ghost") } catch (e) { return e.message }')).toMatch(/unknown workflow "ghost"/);
  });

  test('W2 W07 a child syntax error is a catchable SyntaxError; a child throw reaches the parent', async () => {
    const broken = 'export const meta = { name: "broken", description: "d" };\nreturn (';
    const thrower = 'export const meta = { name: "thrower", description: "d" };\nthrow new Error("child broke")';
    expect(await resultOf(`const out = [];
      try { await workflow("broken") } catch (e) { out.push(e.name) }
      try { await workflow("thrower") } catch (e) { out.push(e.message) }
      return out`, { files: { 'broken.js': broken, 'thrower.js': thrower } })).toEqual(['SyntaxError', 'child broke']);
  });

  test('W1 W08 stopping the run stops a child agent (shared stop signal)', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nreturn await agent("held")';
    const { summary, agentRecords } = await runScript('return await workflow("c")', {
      files: { 'c.js': child },
      rules: [{ match: 'held', hold: true }],
      during: async (dispatcher, stop) => {
        await dispatcher.waitForHeld(1);
        stop();
      },
    });
    expect(summary.status).toBe('stopped');
    expect(agentRecords()[0]!.status).toBe('stopped');
  });

  test('W1 W10 a relative scriptPath resolves against the calling script, not the working directory', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nreturn "found"';
    expect(await resultOf('return await workflow({ scriptPath: "c.js" })', { files: { 'c.js': child } })).toBe('found');
  });

  test('W1 child agents are journaled in the parent run', async () => {
    const { journal } = await runScript('return await workflow("inner", { x: 1 })', { files: { 'inner.js': inner } });
    expect(journal.filter((e) => e.type === 'agent-end').map((e) => [e.index, e.depth])).toEqual([[0, 1]]);
  });
});

describe('AR: args', () => {
  test('AR1 AR01 args arrive as the JSON value given', async () => {
    const args = { issues: [1024, 1025, 1030], opts: { deep: true }, label: 'x' };
    expect(await resultOf('return { same: args, n: args.issues.map(i => i + 1), isArray: Array.isArray(args.issues), deep: args.opts.deep }', { args })).toEqual({
      same: args, n: [1025, 1026, 1031], isArray: true, deep: true,
    });
    expect(await resultOf('return args.filter(n => n > 1).length', { args: [1, 2, 3] })).toBe(2);
  });

  test('AR1 AR02 no args is undefined', async () => {
    expect(await resultOf('return typeof args + ":" + (args === undefined)')).toBe('undefined:true');
  });

  test('AR1 AR03 a string with quotes, backslashes, newlines, U+2028/9, </script>, ${x} and backticks is returned byte-identical', async () => {
    const text = 'a"b\'c\\d\ne\u2028f\u2029g</script>${x}`h';
    expect(await resultOf('return args', { args: text })).toBe(text);
  });

  test('AR1 AR04 every kind of JSON value comes back exactly; a JSON-looking string stays a string', async () => {
    const values = [null, 3.5, false, true, 42, {}, [], { a: { b: ['c'] } }, '工作流兼容性', '$(echo nope); && ||', 'x'.repeat(2000), 'line1\nline2', '{"topic":"json-string"}', '2024-05-01', [{ name: 'a' }, { name: 'b' }]];
    for (const value of values) expect(await resultOf('return args', { args: value })).toEqual(value);
  }, 60_000);

  test('AR1 AR05 mutating args changes nothing outside the sandbox', async () => {
    const args = { items: [1, 2, 3] };
    await resultOf('args.items.push(4); return args.items.length', { args });
    expect(args.items).toEqual([1, 2, 3]);
  });

  test('AR1 __proto__ keys in args stay plain data and pollute nothing', async () => {
    const args = JSON.parse('{"__proto__":{"polluted":true},"ok":1}');
    expect(await resultOf('return [({}).polluted === undefined, args.ok, Object.keys(args).length]', { args })).toEqual([true, 1, 2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
