import { describe, expect, test } from 'vitest';
import { errorOf, resultOf, runScript } from '../support/run-script.js';
import { ScriptedDispatcher } from '../../src/testing/scripted-dispatcher.js';
import type { AgentEvent, AgentRequest } from '../../src/dispatch/dispatcher.js';

const phasesOf = (summary: { phases: Array<{ title: string; agents: number; done: number }> }) => summary.phases.map((p) => [p.title, p.agents, p.done]);

describe('PH: phase() and log()', () => {
  test('PH1 PH01 phase() groups later agents; the summary counts them', async () => {
    const { summary } = await runScript('phase("One"); await agent("a"); await agent("b"); phase("Two"); await agent("c")');
    expect(phasesOf(summary)).toEqual([['One', 2, 2], ['Two', 1, 1]]);
  });

  test('PH1 PH02 an undeclared phase gives a warning naming it and is listed after declared ones', async () => {
    const { summary } = await runScript('export const meta = { name: "t", description: "d", phases: [{ title: "Plan" }] };\nphase("Extra"); await agent("a")');
    expect(summary.warnings.some((w) => w.includes('Extra'))).toBe(true);
    expect(phasesOf(summary).map(([t, n]) => [t, n])).toEqual([['Plan', 0], ['Extra', 1]]);
  });

  test('PH1 PH03 declared phases first in meta order, then undeclared ones in order of first use', async () => {
    const { summary, events } = await runScript(`export const meta = { name: "t", description: "d", phases: [{ title: "Plan" }, { title: "Do" }, { title: "Unused" }] };
      phase("Do"); await agent("d1"); await agent("d2"); phase("Plan"); await agent("p"); phase("Extra"); await agent("e")`);
    expect(summary.phases.map((p) => [p.title, p.agents, p.usage.input + p.usage.output])).toEqual([
      ['Plan', 1, 110], ['Do', 2, 220], ['Unused', 0, 0], ['Extra', 1, 110],
    ]);
    expect(events.filter((e) => e.type === 'phase-start').map((e) => (e as { title: string }).title)).toEqual(['Do', 'Plan', 'Extra']);
  });

  test('PH1 PH04 a phase model is a label only; agents keep their own model', async () => {
    const { dispatcher } = await runScript(`export const meta = { name: "t", description: "d", phases: [{ title: "Scan", model: "openai/gpt-5.4" }] };
      phase("Scan"); await agent("a"); await agent("b", { model: "anthropic/x" })`);
    expect(dispatcher.calls.map((c) => c.model)).toEqual([undefined, 'anthropic/x']);
  });

  test('PH2 PH05 log() joins values: strings as they are, others as JSON', async () => {
    const { logs } = await runScript('log("starting scan"); log("found", 3, {files:2}); log({a:1}); log(3)');
    expect(logs).toEqual(['starting scan', 'found 3 {"files":2}', '{"a":1}', '3']);
  });

  test('PH1 PH06 phase() with a non-string fails the run: "phase title must be a string"', async () => {
    const error = await errorOf('phase(Promise.resolve("Scan"))');
    expect(error.message).toMatch(/phase title must be a string/);
  });

  test('PH1 PH07 phases used at run time follow the script\'s path', async () => {
    const { summary, events } = await runScript(`export const meta = { name: "t", description: "d", phases: [{ title: "Review" }] };
      for (const area of args.areas) { phase("Inspect " + area); await agent("inspect " + area) }
      if (args.needsReview) { phase("Review"); await agent("review") }
      return { ok: true }`, { args: { needsReview: false, areas: ['API', 'UI'] } });
    expect(events.filter((e) => e.type === 'phase-start').map((e) => (e as { title: string }).title)).toEqual(['Inspect API', 'Inspect UI']);
    expect(summary.agentCount).toBe(2);
    expect(summary.result).toEqual({ ok: true });
  });

  test('PH08 event order: run-start, phase, log, agent queue/start/end, run-end', async () => {
    const { events } = await runScript('phase("Find"); log("starting"); await agent("find bugs")');
    const types = events.map((e) => e.type).filter((t) => t !== 'budget-update');
    expect(types).toEqual(['run-start', 'phase-start', 'log-write', 'agent-queue', 'agent-start', 'agent-end', 'run-end']);
    const start = events.find((e) => e.type === 'agent-start') as { phase: string };
    expect(start.phase).toBe('Find');
  });

  test('PH10 a child workflow starts in the parent phase and its own phase() applies to its later agents', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nawait agent("child one"); phase("C"); await agent("child two"); return 1';
    const { dispatcher } = await runScript('phase("P"); await workflow("c"); await agent("parent after")', { files: { 'c.js': child } });
    expect(dispatcher.calls.map((c) => [c.prompt, c.phase])).toEqual([['child one', 'P'], ['child two', 'C'], ['parent after', 'P']]);
  });
});

describe('B: budget', () => {
  test('B1 B01 without a budget: total null, remaining Infinity, spent counts output', async () => {
    expect(await resultOf('await agent("a"); return [budget.total, String(budget.remaining()), budget.spent()]')).toEqual([null, 'Infinity', 10]);
  });

  test('B1 B02 spent counts output + reasoning, not input', async () => {
    expect(await resultOf('await agent("a"); return [budget.total, budget.remaining(), budget.spent()]', {
      budget: 120,
      rules: [{ usage: { input: 1000, output: 30, reasoning: 20 } }],
    })).toEqual([120, 70, 50]);
  });

  test('B2 B03 the check happens before an agent starts; the error names spent and total', async () => {
    const { summary, dispatcher } = await runScript(`const seen = [];
      for (let i = 0; i < 5; i++) { try { await agent("a" + i); seen.push(budget.remaining()) } catch (e) { seen.push(e.message); break } }
      return { seen, spent: budget.spent() }`, { budget: 25 });
    expect(summary.result).toEqual({ seen: [15, 5, 0, 'budget exhausted: 30 of 25 tokens spent'], spent: 30 });
    expect(dispatcher.calls).toHaveLength(3);
  });

  test('B2 B04 agents stop at the ceiling; agentCount counts only started ones', async () => {
    const { summary } = await runScript('await agent("a"); await agent("b"); await agent("c")', { budget: 100, rules: [{ usage: { output: 60 } }] });
    expect(summary.status).toBe('failed');
    expect(summary.error?.message).toBe('budget exhausted: 120 of 100 tokens spent');
    expect(summary.agentCount).toBe(2);
  });

  test('B2 B05 inside parallel a refused agent becomes null', async () => {
    const { summary } = await runScript('return [await parallel([() => agent("a"), () => agent("b"), () => agent("c")]), budget.spent()]', {
      budget: 50,
      concurrency: 1,
      rules: [{ usage: { output: 40 } }],
    });
    const [results, spent] = summary.result as [unknown[], number];
    expect(results).toEqual(['done: a', 'done: b', null]);
    expect(spent).toBeLessThanOrEqual(80);
  });

  test('B1 B07 spent reflects usage streamed by a running agent', async () => {
    class StreamingDispatcher extends ScriptedDispatcher {
      override async run(request: AgentRequest, signal: AbortSignal, onEvent?: (event: AgentEvent) => void) {
        if (request.prompt === 'slow') onEvent?.({ type: 'usage', usage: { input: 0, output: 40, reasoning: 0 } });
        return super.run(request, signal);
      }
    }
    const dispatcher = new StreamingDispatcher({ rules: [{ match: 'slow', delayMs: 300, usage: { output: 50 } }, { match: 'tick', usage: { output: 0 } }] });
    const { summary } = await runScript(`const p = agent("slow");
      await agent("tick"); const during = budget.spent();
      await p; return [during, budget.spent()]`, { dispatcher });
    expect(summary.result).toEqual([40, 50]);
  });

  test('B1 B08 budget is read-only', async () => {
    expect(await resultOf(`"use strict"; const out = [];
      try { budget.total = 5 } catch (e) { out.push("total") }
      try { budget.spent = () => 0 } catch (e) { out.push("spent") }
      try { budget.reset = () => 0 } catch (e) { out.push("reset") }
      out.push(Object.keys(budget).sort().join(","));
      return out`, { budget: 10 })).toEqual(['total', 'spent', 'reset', 'remaining,spent,total']);
  });

  test('B9 B09 a child workflow shares the parent budget and its ceiling', async () => {
    const child = 'export const meta = { name: "c", description: "d" };\nconst seen = budget.spent(); await agent("c1"); try { await agent("c2") } catch (e) { return [seen, "ceiling"] } return [seen, "no ceiling"]';
    expect(await resultOf('await agent("p"); return await workflow("c")', { budget: 100, rules: [{ usage: { output: 60 } }], files: { 'c.js': child } })).toEqual([60, 'ceiling']);
  });

  test('B3 --max-cost: an agent that starts once the cost ceiling is reached throws; costs land in the summary and records', async () => {
    // Every call costs $0.30 by this price function; the ceiling is $0.50, so the third is refused.
    const costOf = (model: string, usage: { output: number }) => (model === 'mock' ? usage.output * 0.01 : undefined);
    const { summary, agentRecords } = await runScript('const out = []; for (const p of ["a", "b", "c"]) { try { out.push(await agent(p)) } catch (e) { out.push(e.message) } } return out', {
      maxCostUsd: 0.5,
      costOf,
      rules: [{ usage: { output: 30 } }],
    });
    expect(summary.result).toEqual(['done: a', 'done: b', 'budget exhausted: $0.6000 of $0.5000 spent']);
    expect(summary.costUsd).toBeCloseTo(0.6, 10);
    expect(summary.byModel?.mock).toMatchObject({ agents: 2 });
    expect(agentRecords().map((record) => record.costUsd)).toEqual([0.3, 0.3]);
  });
});
