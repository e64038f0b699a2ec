import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readJournal } from '../../src/runs/journal.js';
import { RUN_ID_PATTERN } from '../../src/runs/run-id.js';
import { ScriptedDispatcher } from '../../src/testing/scripted-dispatcher.js';
import type { AgentRequest } from '../../src/dispatch/dispatcher.js';
import { errorOf, resultOf, runScript, withMeta } from '../support/run-script.js';

describe('F: script format at run time', () => {
  test('F4 F14 top-level await and return work', async () => {
    expect(await resultOf('const a = await agent("one")\nif (a) return { got: a }\nreturn "never"')).toEqual({ got: 'done: one' });
    expect(await resultOf('return await Promise.resolve(41) + 1')).toBe(42);
  });

  test('F4 F15 a body without return gives null', async () => {
    const { summary } = await runScript('await agent("x")');
    expect(summary.status).toBe('completed');
    expect(summary.result).toBeNull();
  });

  test('F4 F16 ordinary JavaScript works: closures, Map, rest destructuring, Set spread, JSON', async () => {
    expect(await resultOf(`const counts = new Map(); const bump = (k) => counts.set(k, (counts.get(k) ?? 0) + 1); bump("x"); bump("x");
      const { a, ...rest } = { a: 1, b: 2, c: 3 };
      return JSON.parse(JSON.stringify({ a, rest, x: counts.get("x"), set: [...new Set([1, 1, 2])] }))`)).toEqual({ a: 1, rest: { b: 2, c: 3 }, x: 2, set: [1, 2] });
  });

  test('F7 the module form calls the default export with args', async () => {
    expect(await resultOf('export const meta = { name: "m", description: "d" };\nexport default async function run(args) { return "got " + args.n + " " + await agent("x") }', { args: { n: 3 } })).toBe('got 3 done: x');
  });

  test('F5 F20 a runtime error points at the user\'s file, line and column', async () => {
    const source = `${withMeta('const x = 1;')}\nconst y = 2;\nnull.x;\n`;
    const { summary } = await runScript(source);
    expect(summary.status).toBe('failed');
    expect(summary.error?.name).toBe('TypeError');
    expect(summary.error?.location?.line).toBe(3);
    expect(summary.error?.location?.column).toBe(6);
    expect(summary.error?.location?.file).toMatch(/test\.js$/);
  });

  test('F5 F20 the location is right with multi-line string args', async () => {
    const { summary } = await runScript(`${withMeta('const x = args;')}\nconst y = 2;\nnull.x;\n`, { args: 'line1\nline2\nline3' });
    expect(summary.error?.location?.line).toBe(3);
  });

  test('F5 F20 a TypeScript workflow maps runtime errors to its own lines', async () => {
    const source = 'export const meta = { name: "t", description: "d" } as const;\ninterface P { n: number }\nconst p: P = { n: 1 };\nthrow new Error("boom " + p.n);\n';
    const { summary } = await runScript(source, { fileName: 'test.ts' });
    expect(summary.error?.message).toBe('boom 1');
    expect(summary.error?.location?.line).toBe(4);
  });

  test('F6 R03 a function in the result fails the run', async () => {
    expect((await errorOf('return function leaked() {}')).message).toMatch(/function at result/);
  });

  test('F6 R04 a BigInt in the result fails the run with a serialisation error', async () => {
    expect((await errorOf('return { n: 1n }')).message).toMatch(/BigInt at result\.n/);
  });

  test('F6 R05 an un-awaited agent() in the result fails with "did you forget await?"', async () => {
    const { summary, dispatcher } = await runScript('return { scan: agent("scan") }');
    expect(summary.status).toBe('failed');
    expect(summary.error?.message).toMatch(/Promise at result\.scan: did you forget await\?/);
    expect(summary.agentCount).toBe(1);
    // The call was made; whether it reached the dispatcher before the run ended is a race.
    expect(dispatcher.finished).toHaveLength(dispatcher.calls.length);
  });

  test('F6 a Map, a symbol and a cycle in the result are named', async () => {
    expect((await errorOf('return new Map()')).message).toMatch(/Map/);
    expect((await errorOf('return [Symbol("s")]')).message).toMatch(/symbol at result\[0\]/);
    expect((await errorOf('const o = {}; o.self = o; return o')).message).toMatch(/circular reference at result\.self/);
  });
});

describe('R: runs, journal and exit status', () => {
  test('R1 R01 a run completes with its result, agent count, usage and duration', async () => {
    const { summary } = await runScript('return [await agent("x"), await agent("y")]');
    expect(summary.status).toBe('completed');
    expect(summary.result).toEqual(['done: x', 'done: y']);
    expect(summary.agentCount).toBe(2);
    expect(summary.usage.input + summary.usage.output).toBe(220);
    expect(summary.durationMs).toBeGreaterThanOrEqual(0);
    expect(summary.runId).toMatch(RUN_ID_PATTERN);
  });

  test('R2 R02 a throw fails the run; the error reads once, never "Error: Error:"', async () => {
    const { summary } = await runScript('await agent("x"); throw new Error("kaboom")');
    expect(summary.status).toBe('failed');
    expect(summary.error?.name).toBe('Error');
    expect(summary.error?.message).toBe('kaboom');
    expect(summary.agentCount).toBe(1);
  });

  test('R1 J01 the run directory holds the exact script, args, journal, run.json and agent records', async () => {
    const source = withMeta('await agent("first", { label: "L1" }); await agent("bad"); return 1');
    const { summary, journal, agentRecords } = await runScript(source, { args: { a: 1 }, rules: [{ match: 'bad', fail: 'api down' }] });
    expect(readFileSync(join(summary.runDir, 'script.js'), 'utf8')).toBe(source);
    expect(JSON.parse(readFileSync(join(summary.runDir, 'args.json'), 'utf8'))).toEqual({ a: 1 });
    const ends = journal.filter((e) => e.type === 'agent-end');
    expect(ends.map((e) => [e.index, e.status, e.value ?? e.error])).toEqual([[0, 'completed', 'done: first'], [1, 'failed', 'api down']]);
    expect(ends[0]!.usage).toEqual({ input: 100, output: 10, reasoning: 0 });
    const run = JSON.parse(readFileSync(join(summary.runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    expect(run.result).toBe(1);
    const records = agentRecords();
    expect(records.map((r) => [r.label, r.status, r.prompt])).toEqual([['L1', 'completed', 'first'], ['bad', 'failed', 'bad']]);
    expect(records[0]).toHaveProperty('startedAt');
    expect(records[0]).toHaveProperty('endedAt');
  });

  test('R1 J02 twenty parallel agents leave twenty final records and twenty journal lines', async () => {
    const { journal, agentRecords } = await runScript('await parallel(Array.from({ length: 20 }, (_, i) => () => agent("a" + i)))', { rules: [{ delayMs: 5 }] });
    expect(journal.filter((e) => e.type === 'agent-end')).toHaveLength(20);
    const records = agentRecords();
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.status === 'completed' && r.usage.output === 10)).toBe(true);
  });

  test('R1 J16 the journal reader ignores a torn last line and foreign lines', async () => {
    const { summary } = await runScript('await agent("a"); await agent("b")');
    const path = join(summary.runDir, 'journal.jsonl');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(path, 'not json at all\n{"no":"type"}\n{"type"');
    const events = await readJournal(path);
    expect(events.filter((e) => e.type === 'agent-end')).toHaveLength(2);
    expect(events.at(-1)!.type).toBe('run-end');
  });

  test('R1 every completed agent is in the journal before its agent() call resolves', async () => {
    // The second call is dispatched only after the first agent() resolved in the script, so the
    // dispatcher reading the journal at that moment sees whether the first line was already there.
    let runDir = '';
    let linesSeenBySecond = -1;
    const { summary } = await runScript('await agent("first"); await agent("second")', {
      rules: [{
        match: 'second',
        when: () => {
          const text = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
          linesSeenBySecond = text.split('\n').filter((line) => line.includes('"agent-end"')).length;
          return true;
        },
      }],
      onEvent: (event) => {
        if (event.type === 'run-start') runDir = event.runDir;
      },
    });
    expect(summary.status).toBe('completed');
    expect(linesSeenBySecond).toBe(1);
  });

  test('R06 an un-awaited agent is stopped when the script returns; the run still completes', async () => {
    const { summary, agentRecords } = await runScript('agent("bg"); await agent("fg"); return "ok"', { rules: [{ match: 'bg', hold: true }] });
    expect(summary.status).toBe('completed');
    expect(summary.result).toBe('ok');
    const records = agentRecords();
    expect(records.find((r) => r.prompt === 'bg')!.status).toBe('stopped');
  });

  test('R09 a listener that throws on every event does not break the run', async () => {
    const { summary } = await runScript('return await agent("x")', { onEvent: () => { throw new Error('listener'); } });
    expect(summary.status).toBe('completed');
  });
});

describe('X: stop', () => {
  test('X1 X01 stopping with three held agents at cap 1: one dispatch, three stopped records', async () => {
    let queued = 0;
    const { summary, dispatcher, agentRecords, journal } = await runScript('return await parallel([() => agent("a"), () => agent("b"), () => agent("c")])', {
      concurrency: 1,
      rules: [{ hold: true }],
      onEvent: (event) => {
        if (event.type === 'agent-queue') queued += 1;
      },
      during: async (d, stop) => {
        await d.waitForHeld(1);
        while (queued < 3) await new Promise((resolve) => setTimeout(resolve, 5));
        stop();
      },
    });
    expect(summary.status).toBe('stopped');
    expect(dispatcher.calls).toHaveLength(1);
    expect(agentRecords().map((r) => r.status)).toEqual(['stopped', 'stopped', 'stopped']);
    // J13: queued agents never started and are not journaled.
    expect(journal.filter((e) => e.type === 'agent-end')).toHaveLength(1);
  });

  test('X1 X02 after a stop, agent() throws and nothing more is dispatched', async () => {
    const { summary, dispatcher } = await runScript('try { await agent("a") } catch {} await agent("b")', {
      rules: [{ match: 'a', hold: true }],
      during: async (d, stop) => {
        await d.waitForHeld(1);
        stop();
      },
    });
    expect(summary.status).toBe('stopped');
    expect(dispatcher.calls.map((c) => c.prompt)).toEqual(['a']);
  });

  test('X1 X03 a signal aborted before the start dispatches nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { summary, dispatcher } = await runScript('await agent("a"); await agent("b")', { signal: controller.signal });
    expect(summary.status).toBe('stopped');
    expect(dispatcher.calls).toHaveLength(0);
  });

  test('X1 X05 a queued agent resolves null at stop without being dispatched', async () => {
    let queued = 0;
    const { dispatcher, agentRecords } = await runScript('return await parallel([() => agent("running"), () => agent("queued")])', {
      concurrency: 1,
      rules: [{ match: 'running', hold: true }],
      onEvent: (event) => {
        if (event.type === 'agent-queue') queued += 1;
      },
      during: async (d, stop) => {
        await d.waitForHeld(1);
        while (queued < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        stop();
      },
    });
    expect(dispatcher.calls.map((c) => c.prompt)).toEqual(['running']);
    expect(agentRecords().map((r) => r.status)).toEqual(['stopped', 'stopped']);
  });

  test('X1 X06 an agent that ignores cancellation is abandoned after the grace', async () => {
    class StubbornDispatcher extends ScriptedDispatcher {
      override async run(request: AgentRequest, signal: AbortSignal) {
        if (request.prompt !== 'stubborn') return super.run(request, signal);
        await new Promise((resolve) => setTimeout(resolve, 1500)); // ignores the signal
        return { output: 'late', usage: { input: 1, output: 1, reasoning: 0 } };
      }
    }
    const { summary, agentRecords } = await runScript('agent("stubborn"); return "done"', { stopGraceMs: 30, dispatcher: new StubbornDispatcher() });
    expect(summary.status).toBe('completed');
    expect(summary.durationMs).toBeLessThan(1000);
    expect(agentRecords()[0]!.status).toBe('stopped');
  });

  test('X1 a script that keeps running after a stop is disposed after the grace and ends stopped', async () => {
    const { summary } = await runScript('try { await agent("a") } catch {} while (true) { await null }', {
      rules: [{ match: 'a', hold: true }],
      stopGraceMs: 100,
      cpuLimitMs: 60_000,
      during: async (d, stop) => {
        await d.waitForHeld(1);
        stop();
      },
    });
    expect(summary.status).toBe('stopped');
  });
});
