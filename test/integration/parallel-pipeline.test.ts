import { describe, expect, test } from 'vitest';
import { resultOf, runScript } from '../support/run-script.js';

describe('PL: parallel()', () => {
  test('PL1 PL01 results come in input order and run concurrently', async () => {
    const { summary, dispatcher } = await runScript('return await parallel(["a","b","c","d"].map(x => () => agent(x)))', {
      rules: [{ delayMs: 80 }],
    });
    expect(summary.result).toEqual(['done: a', 'done: b', 'done: c', 'done: d']);
    expect(dispatcher.maxRunning).toBe(4);
  });

  test('PL1 PL02 an entry that throws or rejects becomes null; parallel never rejects', async () => {
    const result = await resultOf(`return await parallel([() => agent("ok"), () => { throw new Error("sync") },
      async () => { await agent("x"); throw new Error("async") }, () => agent("schema", { schema: { type: "array" } })])`);
    expect(result).toEqual(['done: ok', null, null, null]);
  });

  test('PL1 PL03 parallel is a barrier', async () => {
    const { dispatcher } = await runScript('await parallel([() => agent("slow"), () => agent("fast")]); return await agent("after")', {
      rules: [{ match: 'slow', delayMs: 150 }],
    });
    expect(dispatcher.finished.map((c) => c.prompt)).toEqual(['fast', 'slow', 'after']);
  });

  test('PL1 PL04 values pass through, promises are awaited, a rejected promise becomes null', async () => {
    expect(await resultOf('return [await parallel([1, "x", null, Promise.resolve(5), () => 2]), await parallel([Promise.reject(new Error("x")), 1])]')).toEqual([
      [1, 'x', null, 5, 2],
      [null, 1],
    ]);
  });

  test('PL1 PL05 an empty array gives []', async () => {
    expect(await resultOf('return await parallel([])')).toEqual([]);
  });

  test('PL2 PL06 a non-array throws "parallel() expects an array", catchably', async () => {
    expect(await resultOf(`const out = []; try { await parallel("abc") } catch (e) { out.push(e.message) }
      try { await parallel(null) } catch { out.push("caught") } return out`)).toEqual([
      'parallel() expects an array of entries, got string "abc"',
      'caught',
    ]);
  });

  test('PL2 PL07 4096 entries are accepted; 4097 throw mentioning 4096 with zero dispatches', async () => {
    const { summary, dispatcher } = await runScript(`const ok = (await parallel(Array.from({ length: 4096 }, (_, i) => i))).length;
      try { await parallel(Array.from({ length: 4097 }, () => () => agent("x"))) } catch (e) { return [ok, e.message] }`);
    expect((summary.result as unknown[])[0]).toBe(4096);
    expect((summary.result as string[])[1]).toMatch(/4096/);
    expect(dispatcher.calls).toHaveLength(0);
  });

  test('PL3 PL08 nested parallel inside pipeline stages never deadlocks with concurrency 1', async () => {
    const result = await resultOf(`return await pipeline([1, 2], async (n) => (await parallel([() => agent("a" + n), () => agent("b" + n)])).join("+"))`, {
      concurrency: 1,
    });
    expect(result).toEqual(['done: a1+done: b1', 'done: a2+done: b2']);
  });

  test('PL1 PL09 output order is input order, whatever the timing', async () => {
    expect(await resultOf('return await parallel([async () => { await agent("x"); return "a" }, () => "b", async () => "c"])', { rules: [{ delayMs: 20 }] })).toEqual(['a', 'b', 'c']);
  });
});

describe('PP: pipeline()', () => {
  test('PP1 PP01 each stage gets (previous, item, index); stage 1 sees the item', async () => {
    expect(await resultOf('return await pipeline(["a","b"], (p, item, i) => p+"|"+item+"|"+i, (p, item, i) => p+"/"+item+"/"+i)')).toEqual([
      'a|a|0/a/0',
      'b|b|1/b/1',
    ]);
  });

  test('PP1 PP02 no barrier between stages: a fast item finishes stage 2 before a slow one leaves stage 1', async () => {
    const { summary, dispatcher } = await runScript('return await pipeline(["slow","fast"], (x) => agent("s1 " + x), (p, x) => agent("s2 " + x))', {
      rules: [{ match: 's1 slow', delayMs: 200 }, { match: 's1 fast', delayMs: 5 }],
    });
    expect(summary.result).toEqual(['done: s2 slow', 'done: s2 fast']);
    const order = dispatcher.finished.map((c) => c.prompt);
    expect(order.indexOf('s2 fast')).toBeLessThan(order.indexOf('s1 slow'));
  });

  test('PP2 PP03 a throwing stage makes that item null and skips its later stages', async () => {
    const { summary, dispatcher } = await runScript('return await pipeline([1,2,3], (n) => { if (n === 2) throw new Error("no"); return n }, (n) => agent("s2 " + n))');
    expect(summary.result).toEqual(['done: s2 1', null, 'done: s2 3']);
    expect(dispatcher.calls.map((c) => c.prompt)).not.toContain('s2 2');
  });

  test('PP1 PP04 results keep item order while completions come in any order', async () => {
    const { summary, dispatcher } = await runScript('return await pipeline(["i0","i1","i2"], (x) => agent(x))', {
      rules: [{ match: 'i0', delayMs: 120 }, { match: 'i1', delayMs: 60 }, { match: 'i2', delayMs: 1 }],
    });
    expect(summary.result).toEqual(['done: i0', 'done: i1', 'done: i2']);
    expect(dispatcher.finished.map((c) => c.prompt)).toEqual(['i2', 'i1', 'i0']);
  });

  test('PP1 PP05 items run concurrently', async () => {
    const { dispatcher } = await runScript('return await pipeline([1,2,3,4], (n) => agent("a" + n), (p, n) => agent("b" + n))', { rules: [{ delayMs: 100 }] });
    expect(dispatcher.maxRunning).toBe(4);
  });

  test('PP2 PP06 no stages returns the items', async () => {
    expect(await resultOf('return await pipeline([1, 2])')).toEqual([1, 2]);
  });

  test('PP2 PP07 bad arguments throw: items must be an array, stages functions', async () => {
    expect(await resultOf(`const out = []; try { await pipeline({}, x => x) } catch (e) { out.push(e.message) }
      try { await pipeline([1], 5) } catch (e) { out.push(e.message) } return out`)).toEqual([
      'pipeline() expects an array of items, got an object',
      'pipeline() stage 1 must be a function, got number 5',
    ]);
  });

  test('PP2 PP08 more than 4096 items throw mentioning 4096, with zero dispatches', async () => {
    const { summary, dispatcher } = await runScript('try { await pipeline(Array.from({ length: 5000 }, (_, i) => i), (n) => agent("x" + n)) } catch (e) { return e.message }');
    expect(summary.result).toMatch(/4096/);
    expect(dispatcher.calls).toHaveLength(0);
  });

  test('PP2 PP09 a stage whose agent resolved null passes null on', async () => {
    expect(await resultOf('return await pipeline(["a"], (x) => agent(x), (p) => p === null ? "got null" : "got value")', { rules: [{ match: 'a', fail: 'down' }] })).toEqual(['got null']);
  });
});
