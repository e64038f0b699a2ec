/**
 * Spec §6 C2–C5 and acceptance-matrix section J through the real pipeline (compile → sandbox →
 * engine) with the scripted mock: runs that share a project cache, resumes in both modes, and
 * what each of them dispatched live.
 */
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseStepSelector } from '../../src/cache/selector.js';
import { compileWorkflow } from '../../src/compile/index.js';
import { explainRun } from '../../src/engine/explain.js';
import { prepareResume } from '../../src/engine/resume.js';
import { StepReuse } from '../../src/engine/step-reuse.js';
import { ScriptedDispatcher } from '../../src/testing/scripted-dispatcher.js';
import { agentEnds, CacheProject, dispatched } from '../support/cache-project.js';
import { withMeta } from '../support/run-script.js';

const ABC = 'const a = await agent("A"); const b = await agent("B"); const c = await agent("C"); return [a, b, c]';

describe('C2 C3: a re-run reuses completed steps', () => {
  test('C3 J04 an unchanged re-run makes zero dispatches and returns the identical result', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC);
    expect(dispatched(first)).toEqual(['A', 'B', 'C']);
    const second = await project.run(ABC);
    expect(dispatched(second)).toEqual([]);
    expect(second.summary.result).toEqual(first.summary.result);
    expect(second.summary.cachedCount).toBe(3);
    expect(second.summary.usage).toEqual({ input: 0, output: 0, reasoning: 0 });
    const ends = second.events.filter((event) => event.type === 'agent-end');
    expect(ends.map((event) => event.type === 'agent-end' && event.cached)).toEqual([
      { via: 'cache', runId: first.summary.runId },
      { via: 'cache', runId: first.summary.runId },
      { via: 'cache', runId: first.summary.runId },
    ]);
  });

  test('C2 a cached step returns exactly what the live call returned: objects, unicode, whitespace', async () => {
    const project = new CacheProject();
    const source = `return [await agent("s", { schema: { type: "object", properties: { n: { type: "number" }, list: { type: "array" } } } }), await agent("t")]`;
    const rules = [
      { match: 's', reply: { n: 1.5, list: [3, 'ü', null, { z: 1, a: 2 }] } },
      { match: 't', reply: '  spaced \u2028 ☃ \n' },
    ];
    const first = await project.run(source, { rules });
    const second = await project.run(source, { rules });
    expect(dispatched(second)).toEqual([]);
    expect(second.summary.result).toEqual(first.summary.result);
    expect(JSON.stringify(second.summary.result)).toBe(JSON.stringify(first.summary.result));
  });

  test('C2 J19 failures, nulls and schema failures are never cached', async () => {
    const project = new CacheProject();
    const source = `
      const a = await agent("fail one"); const b = await agent("fail two");
      let c = "threw"; try { c = await agent("never valid", { schema: { type: "object", required: ["x"], properties: { x: { type: "number" } } } }) } catch {}
      let d = "threw"; try { d = await agent("no structure", { schema: { type: "object", required: ["y"] } }) } catch {}
      return [a, b, c, d]`;
    const rules = [
      { match: 'fail', fail: 'api down' },
      { match: 'never valid', reply: { x: 'not a number' } },
      { match: 'no structure', reply: 'just prose, no JSON' },
    ];
    const run = await project.run(source, { rules });
    expect(run.summary.result).toEqual([null, null, 'threw', 'threw']);
    expect((await project.store.stats()).entries).toBe(0);
    const again = await project.run(source, { rules });
    expect(dispatched(again).filter((prompt) => prompt.startsWith('fail'))).toEqual(['fail one', 'fail two']);
  });

  test('C1 J18 duplicate identical calls keep distinct results, and map to their own entries on a re-run', async () => {
    const project = new CacheProject();
    const source = 'const first = await agent("same prompt"); const second = await agent("same prompt"); return [first, second]';
    const rules = [{ match: 'same prompt', replies: ['duplicate-1', 'duplicate-2'] }];
    const run = await project.run(source, { rules });
    expect(run.summary.result).toEqual(['duplicate-1', 'duplicate-2']);
    const keys = agentEnds(run).map((event) => event.key);
    expect(new Set(keys).size).toBe(2);
    const again = await project.run(source, { rules });
    expect(dispatched(again)).toEqual([]);
    expect(again.summary.result).toEqual(['duplicate-1', 'duplicate-2']);
  });

  test('C3 J22 the resolved default model is in the key: same default reuses, another re-runs, isolation re-runs', async () => {
    const project = new CacheProject();
    const plain = 'return await agent("same prompt", { label: "x" })';
    expect(dispatched(await project.run(plain, { model: 'prov/m1' }))).toEqual(['same prompt']);
    expect(dispatched(await project.run(plain, { model: 'prov/m1' }))).toEqual([]);
    const m2 = await project.run(plain, { model: 'prov/m2' });
    expect(dispatched(m2)).toEqual(['same prompt']);
    expect(m2.dispatcher.calls[0]!.model).toBe('prov/m2');
    const isolated = 'return await agent("same prompt", { label: "x", isolation: "worktree" })';
    expect(dispatched(await project.run(isolated, { model: 'prov/m1' }))).toEqual(['same prompt']);
  });

  test('C3 J07 a call that gains a model option re-runs; the unchanged call after it is reused in content mode', async () => {
    const project = new CacheProject();
    await project.run('const a = await agent("A"); const b = await agent("B"); return [a, b]');
    const edited = await project.run('const a = await agent("A", { model: "openai/gpt-5" }); const b = await agent("B"); return [a, b]');
    expect(dispatched(edited)).toEqual(['A']);
  });

  test('C3 --no-cache runs everything live and replaces the entries', async () => {
    const project = new CacheProject();
    await project.run(ABC, { rules: [{ reply: 'old' }] });
    const live = await project.run(ABC, { cache: { store: project.store, read: false }, rules: [{ reply: 'new' }] });
    expect(dispatched(live)).toEqual(['A', 'B', 'C']);
    const reused = await project.run(ABC);
    expect(dispatched(reused)).toEqual([]);
    expect(reused.summary.result).toEqual(['new', 'new', 'new']);
  });

  test('C3 --refresh forces matching calls live by label glob, phase and key prefix', async () => {
    const project = new CacheProject();
    const source = `
      phase("Draft"); const a = await agent("draft a", { label: "draft:a" }); const b = await agent("draft b", { label: "draft:b" });
      phase("Review"); const r = await agent("review", { label: "review" });
      return [a, b, r]`;
    const first = await project.run(source);
    const refresh = (text: string) => ({ cache: { store: project.store, refresh: [parseStepSelector(text)] } });
    expect(dispatched(await project.run(source, refresh('draft:*')))).toEqual(['draft a', 'draft b']);
    expect(dispatched(await project.run(source, refresh('phase:Review')))).toEqual(['review']);
    const keyOfB = agentEnds(first)[1]!.key as string;
    expect(dispatched(await project.run(source, refresh(`key:${keyOfB.slice(3, 11)}`)))).toEqual(['draft b']);
  });

  test('C3 cache:false opts a call out of the cache; cache.key salts it', async () => {
    const project = new CacheProject();
    const source = 'return [await agent("always", { cache: false }), await agent("salted", { cache: { key: "v1" } })]';
    await project.run(source);
    expect(dispatched(await project.run(source))).toEqual(['always']);
    expect(dispatched(await project.run(source.replace('"v1"', '"v2"')))).toEqual(['always', 'salted']);
  });

  test('C3 cache.ttl: an entry older than its ttl is a miss and is replaced', async () => {
    const project = new CacheProject();
    const source = 'return await agent("news", { cache: { ttl: "1h" } })';
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { _internal: { now: () => now } };
    await project.run(source, clock);
    now += 30 * 60_000;
    expect(dispatched(await project.run(source, clock))).toEqual([]);
    now += 31 * 60_000;
    expect(dispatched(await project.run(source, clock))).toEqual(['news']);
    expect(dispatched(await project.run(source, clock))).toEqual([]);
  });

  test('C3 reads.files: editing a declared file re-runs only the agents that read it', async () => {
    const project = new CacheProject();
    mkdirSync(join(project.dir, 'src'));
    writeFileSync(join(project.dir, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(project.dir, 'src', 'b.ts'), 'export const b = 1;\n');
    const source = `return [
      await agent("review a", { reads: { files: ["src/a.ts"] } }),
      await agent("review all", { reads: { files: ["src/*.ts"] } }),
      await agent("plain")]`;
    await project.run(source);
    writeFileSync(join(project.dir, 'src', 'b.ts'), 'export const b = 2;\n');
    expect(dispatched(await project.run(source))).toEqual(['review all']);
  });

  test('C3 reads.files outside the project makes agent() throw, before any dispatch', async () => {
    const project = new CacheProject();
    const run = await project.run('try { await agent("x", { reads: { files: ["../../etc/passwd"] } }) } catch (e) { return e.message }');
    expect(run.summary.result).toMatch(/outside the project/);
    expect(dispatched(run)).toEqual([]);
  });

  test('C3 a workspace edit re-runs workspace-reading agents only (tool-using agent types and reads: "workspace")', async () => {
    const project = new CacheProject();
    writeFileSync(join(project.dir, 'notes.md'), 'first\n');
    const source = `return [
      await agent("fix the bug", { agentType: "coder" }),
      await agent("summarise the repo", { reads: "workspace" }),
      await agent("write a haiku")]`;
    const dispatcher = () => new ScriptedDispatcher({ agentTypes: { coder: { tools: ['read_file', 'grep'] } } });
    await project.run(source, { dispatcher: dispatcher() });
    expect(dispatched(await project.run(source, { dispatcher: dispatcher() }))).toEqual([]);
    writeFileSync(join(project.dir, 'notes.md'), 'second\n');
    expect(dispatched(await project.run(source, { dispatcher: dispatcher() }))).toEqual(['fix the bug', 'summarise the repo']);
  });

  test('C3 runs and cache entries of wf itself never change the workspace fingerprint', async () => {
    const project = new CacheProject();
    const source = 'return await agent("look", { reads: "workspace" })';
    await project.run(source);
    expect(dispatched(await project.run(source))).toEqual([]); // the first run wrote .boocode/runs and .boocode/cache
  });

  test('C3 J16 a damaged cache entry is a miss with a warning; the run goes on and replaces it', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC);
    const keyOfB = (agentEnds(first)[1]!.key as string).slice(3);
    writeFileSync(join(project.store.directory, 's1', keyOfB.slice(0, 2), `${keyOfB}.json`), '{"key": "s1:tor');
    const second = await project.run(ABC);
    expect(dispatched(second)).toEqual(['B']);
    expect(second.summary.warnings.join('\n')).toMatch(/damaged/);
    expect(dispatched(await project.run(ABC))).toEqual([]);
  });

  test('C3 single-flight: two runs making the same call at the same moment pay once', async () => {
    const project = new CacheProject();
    const source = 'return await agent("expensive")';
    const first = new ScriptedDispatcher({ rules: [{ match: 'expensive', hold: true }] });
    const second = new ScriptedDispatcher();
    const one = project.run(source, { dispatcher: first });
    await first.waitForHeld(1);
    const two = project.run(source, { dispatcher: second });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the second run reach its claim
    first.release();
    const [a, b] = await Promise.all([one, two]);
    expect(dispatched(a)).toEqual(['expensive']);
    expect(dispatched(b)).toEqual([]);
    expect(b.summary.result).toBe(a.summary.result);
    expect(b.summary.cachedCount).toBe(1);
  });
});

describe('C4: wf resume', () => {
  test('C4 J04 resuming an unchanged run serves every step from its journal: zero dispatches', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} }); // no project cache: only the journal can answer
    const resumed = await project.resume(first.summary.runId, null, { cache: {} });
    expect(dispatched(resumed)).toEqual([]);
    expect(resumed.summary.result).toEqual(first.summary.result);
    expect(agentEnds(resumed).map((event) => event.cached)).toEqual([0, 1, 2].map(() => ({ via: 'journal', runId: first.summary.runId })));
    expect(agentEnds(resumed).every((event) => (event.usage as { output: number }).output === 0)).toBe(true);
  });

  test('C4 J05 prefix mode: after a failed call everything started later runs live; content mode reuses the rest', async () => {
    const project = new CacheProject();
    const source = 'return await parallel(["A", "B", "C", "D"].map((p) => () => agent(p)))';
    const first = await project.run(source, { rules: [{ match: 'B', fail: 'api down' }], cache: {} });
    expect(first.summary.result).toEqual(['done: A', null, 'done: C', 'done: D']);
    const prefix = await project.resume(first.summary.runId, null, { mode: 'prefix', cache: {} });
    expect(dispatched(prefix).sort()).toEqual(['B', 'C', 'D']);
    expect(prefix.summary.result).toEqual(['done: A', 'done: B', 'done: C', 'done: D']);
    const content = await project.resume(first.summary.runId, null, { mode: 'content', cache: {} });
    expect(dispatched(content)).toEqual(['B']);
  });

  test('C4 J06 prefix mode: an edited middle call and every later one run live', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const edited = ABC.replace('agent("B")', 'agent("B edited")');
    expect(dispatched(await project.resume(first.summary.runId, edited, { mode: 'prefix', cache: {} }))).toEqual(['B edited', 'C']);
    expect(dispatched(await project.resume(first.summary.runId, edited, { mode: 'content', cache: {} }))).toEqual(['B edited']);
  });

  test('C4 J07 prefix mode: the first call gaining a model runs both live', async () => {
    const project = new CacheProject();
    const first = await project.run('const a = await agent("A"); const b = await agent("B"); return [a, b]', { cache: {} });
    const edited = 'const a = await agent("A", { model: "openai/gpt-5" }); const b = await agent("B"); return [a, b]';
    expect(dispatched(await project.resume(first.summary.runId, edited, { mode: 'prefix', cache: {} }))).toEqual(['A', 'B']);
  });

  test('C1 J08 adding a phase and a label re-runs nothing, in both modes', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const edited = 'phase("New"); const a = await agent("A", { label: "renamed" }); const b = await agent("B"); const c = await agent("C"); return [a, b, c]';
    expect(dispatched(await project.resume(first.summary.runId, edited, { cache: {} }))).toEqual([]);
    expect(dispatched(await project.resume(first.summary.runId, edited, { mode: 'prefix', cache: {} }))).toEqual([]);
  });

  test('C4 J09 an edited upstream prompt changes the downstream prompt, which then runs live too', async () => {
    const project = new CacheProject();
    const source = 'const a = await agent("pick one"); return await agent("use " + a)';
    const first = await project.run(source, { rules: [{ match: 'pick one', reply: 'alpha' }], cache: {} });
    expect(first.summary.result).toBe('done: use alpha');
    const resumed = await project.resume(first.summary.runId, source.replace('"pick one"', '"pick one again"'), {
      rules: [{ match: 'pick one', reply: 'beta' }],
      cache: {},
    });
    expect(dispatched(resumed)).toEqual(['pick one again', 'use beta']);
    expect(resumed.summary.result).toBe('done: use beta');
  });

  test('C4 J10 a resumed run can itself be resumed; its journal holds the reused steps too', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const second = await project.resume(first.summary.runId, null, { cache: {} });
    expect(agentEnds(second).filter((event) => event.status === 'completed')).toHaveLength(3);
    const third = await project.resume(second.summary.runId, null, { cache: {} });
    expect(dispatched(third)).toEqual([]);
    expect(third.summary.result).toEqual(first.summary.result);
    // The value is credited to the run that produced it live, not the intermediate resume.
    expect(agentEnds(third)[0]!.cached).toEqual({ via: 'journal', runId: first.summary.runId });
  });

  test('C4 J10 resuming a resume that died before journaling what it reused still finds those steps in the run it resumed', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const second = await project.resume(first.summary.runId, null, { cache: {} });
    const journalPath = join(second.summary.runDir, 'journal.jsonl');
    writeFileSync(journalPath, `${readFileSync(journalPath, 'utf8').split('\n')[0]}\n`); // only run-start survived
    const third = await project.resume(second.summary.runId, null, { cache: {} });
    expect(dispatched(third)).toEqual([]);
    expect(third.summary.result).toEqual(first.summary.result);
  });

  test('C4 J11 an unknown run, and a run with nothing completed, are refused: "nothing to resume"', async () => {
    const project = new CacheProject();
    await expect(prepareResume({ runsDir: project.runsDir, runId: 'wf_nope-000000' })).rejects.toMatchObject({ code: 'WF_UNKNOWN_RUN', message: expect.stringMatching(/nothing to resume/) });
    await expect(prepareResume({ runsDir: project.runsDir, runId: '../../etc' })).rejects.toMatchObject({ code: 'WF_UNKNOWN_RUN' });
    const failed = await project.run('await agent("x"); throw new Error("boom")', { rules: [{ fail: 'down' }], cache: {} });
    expect(failed.summary.status).toBe('failed');
    await expect(prepareResume({ runsDir: project.runsDir, runId: failed.summary.runId })).rejects.toMatchObject({ code: 'WF_NOTHING_TO_RESUME', message: expect.stringMatching(/nothing to resume/) });
  });

  test('C4 J12 a run still in progress cannot be resumed; once it has settled it can', async () => {
    const project = new CacheProject();
    let refusal: unknown;
    const run = await project.run('await agent("A"); return await agent("held")', {
      cache: {},
      rules: [{ match: 'held', hold: true }],
      during: async (dispatcher, stop) => {
        await dispatcher.waitForHeld(1);
        const runId = readdirSync(project.runsDir)[0]!;
        refusal = await prepareResume({ runsDir: project.runsDir, runId }).catch((error: unknown) => error);
        stop();
      },
    });
    expect(refusal).toMatchObject({ code: 'WF_RUN_IN_PROGRESS', message: expect.stringMatching(/still running/) });
    expect(run.summary.status).toBe('stopped');
    const resumed = await project.resume(run.summary.runId, null, { cache: {} });
    expect(dispatched(resumed)).toEqual(['held']);
  });

  test('C4 a run whose process died (record still says running) can be resumed', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const recordPath = join(first.summary.runDir, 'run.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    writeFileSync(recordPath, JSON.stringify({ ...record, status: 'running', pid: 2 ** 22 + 12345 }));
    expect(dispatched(await project.resume(first.summary.runId, null, { cache: {} }))).toEqual([]);
  });

  test('C4 J13 a stopped run: journal completed, stopped, stopped; the resume runs only the stopped agents', async () => {
    const project = new CacheProject();
    const source = 'const a = await agent("A"); const r = await parallel([() => agent("slow 1"), () => agent("slow 2")]); return [a, r]';
    const stopped = await project.run(source, {
      cache: {},
      rules: [{ match: 'slow', hold: true }],
      during: async (dispatcher, stop) => {
        await dispatcher.waitForHeld(2);
        stop();
      },
    });
    expect(agentEnds(stopped).map((event) => event.status)).toEqual(['completed', 'stopped', 'stopped']);
    const resumed = await project.resume(stopped.summary.runId, null, { cache: {} });
    expect(dispatched(resumed).sort()).toEqual(['slow 1', 'slow 2']);
    expect(resumed.summary.result).toEqual(['done: A', ['done: slow 1', 'done: slow 2']]);
  });

  test('C4 J17 calls whose start order flips with the args are still reused in content mode; prefix mode re-runs', async () => {
    const project = new CacheProject();
    const source = 'let a, b; if (args.delayFirst) { b = await agent("B"); a = await agent("A") } else { a = await agent("A"); b = await agent("B") } return [a, b]';
    const first = await project.run(source, { args: { delayFirst: true }, cache: {} });
    expect(dispatched(await project.resume(first.summary.runId, null, { newArgs: { delayFirst: false }, cache: {} }))).toEqual([]);
    expect(dispatched(await project.resume(first.summary.runId, null, { newArgs: { delayFirst: false }, mode: 'prefix', cache: {} }))).toEqual(['A', 'B']);
  });

  test('C4 J18 inserting a call before two duplicates: content mode keeps them distinct and reused; prefix re-runs all three', async () => {
    const project = new CacheProject();
    const source = 'const first = await agent("same prompt"); const second = await agent("same prompt"); return [first, second]';
    const rules = [{ match: 'same prompt', replies: ['duplicate-1', 'duplicate-2'] }];
    const first = await project.run(source, { rules, cache: {} });
    const inserted = 'const n = await agent("new prompt"); const first = await agent("same prompt"); const second = await agent("same prompt"); return [n, first, second]';
    const content = await project.resume(first.summary.runId, inserted, { rules, cache: {} });
    expect(dispatched(content)).toEqual(['new prompt']);
    expect(content.summary.result).toEqual(['done: new prompt', 'duplicate-1', 'duplicate-2']);
    const prefix = await project.resume(first.summary.runId, inserted, { mode: 'prefix', rules: [{ match: 'same prompt', replies: ['again-1', 'again-2'] }], cache: {} });
    expect(dispatched(prefix)).toEqual(['new prompt', 'same prompt', 'same prompt']);
    expect(prefix.summary.result).toEqual(['done: new prompt', 'again-1', 'again-2']);
  });

  test('C4 J21 a journaled completed null is replayed as null with zero dispatches', async () => {
    const project = new CacheProject();
    const first = await project.run('return await agent("maybe")', { cache: {} });
    const journalPath = join(first.summary.runDir, 'journal.jsonl');
    const lines = readFileSync(journalPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    writeFileSync(journalPath, lines.map((line) => JSON.stringify(line.type === 'agent-end' ? { ...line, value: null } : line)).join('\n') + '\n');
    const resumed = await project.resume(first.summary.runId, null, { cache: {} });
    expect(dispatched(resumed)).toEqual([]);
    expect(resumed.summary.result).toBeNull();
  });

  test('C4 J16 a torn last journal line is survived: the steps before it are reused, the torn one re-runs', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const journalPath = join(first.summary.runDir, 'journal.jsonl');
    const lines = readFileSync(journalPath, 'utf8').trim().split('\n');
    // Keep run-start, A and B whole; tear C's line in the middle, as a kill -9 mid-write would.
    writeFileSync(journalPath, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 40)}`);
    const resumed = await project.resume(first.summary.runId, null, { cache: {} });
    expect(dispatched(resumed)).toEqual(['C']);
    expect(resumed.summary.result).toEqual(first.summary.result);
  });

  test('C4 J16 a completely corrupt journal means nothing to reuse: "nothing to resume", never a crash', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    writeFileSync(join(first.summary.runDir, 'journal.jsonl'), '\u0000\u0001garbage{{{\nnot json either\n');
    await expect(prepareResume({ runsDir: project.runsDir, runId: first.summary.runId })).rejects.toMatchObject({ code: 'WF_NOTHING_TO_RESUME' });
  });

  test('C4 B06 replayed steps cost nothing: budget.spent() is 0 until the live call, then its tokens', async () => {
    const project = new CacheProject();
    const source = 'const a = await agent("A"); const b = await agent("B"); const before = budget.spent(); await agent("C"); return [before, budget.spent()]';
    const stopped = await project.run('await agent("A"); await agent("B"); return null', { cache: {} });
    const resumed = await project.resume(stopped.summary.runId, source, { cache: {}, budget: 1000 });
    expect(dispatched(resumed)).toEqual(['C']);
    expect(resumed.summary.result).toEqual([0, 10]);
  });

  test('C4 W09 resuming a run whose agents include a nested workflow\'s: zero dispatches, same result', async () => {
    const child = `${'export const meta = { name: "child", description: "a nested workflow" };'} return await agent("child step " + args)`;
    const project = new CacheProject({ 'child.js': child });
    const source = 'const a = await agent("parent step"); const b = await workflow("child", "x"); return [a, b]';
    const first = await project.run(source, { cache: {} });
    expect(dispatched(first)).toEqual(['parent step', 'child step x']);
    const resumed = await project.resume(first.summary.runId, null, { cache: {} });
    expect(dispatched(resumed)).toEqual([]);
    expect(resumed.summary.result).toEqual(first.summary.result);
  });

  test('C4 --from forces a step and every step started after it live (label, index, phase)', async () => {
    const project = new CacheProject();
    const source = 'phase("One"); const a = await agent("A"); const b = await agent("B", { label: "bee" }); phase("Two"); const c = await agent("C"); const d = await agent("D"); return [a, b, c, d]';
    const first = await project.run(source);
    const from = (text: string) => project.resume(first.summary.runId, null, { from: parseStepSelector(text, { allowIndex: true }) });
    expect(dispatched(await from('bee'))).toEqual(['B', 'C', 'D']);
    expect(dispatched(await from('3'))).toEqual(['D']);
    expect(dispatched(await from('phase:Two'))).toEqual(['C', 'D']);
  });

  test('C4 editing one prompt of a 40-agent fan-out: exactly 1 live in content mode, every later-started one in prefix mode', async () => {
    const project = new CacheProject();
    const fanOut = (edited: number) => `return await parallel(Array.from({ length: 40 }, (_, i) => () => agent("item " + i + (i === ${edited} ? " (edited)" : ""))))`;
    const first = await project.run(fanOut(-1), { cache: {} });
    expect(dispatched(first)).toHaveLength(40);
    const content = await project.resume(first.summary.runId, fanOut(17), { cache: {} });
    expect(dispatched(content)).toEqual(['item 17 (edited)']);
    const prefix = await project.resume(first.summary.runId, fanOut(17), { mode: 'prefix', cache: {} });
    expect(dispatched(prefix).sort()).toEqual(Array.from({ length: 23 }, (_, k) => `item ${k + 17}${k === 0 ? ' (edited)' : ''}`).sort());
  });
});

describe('C1: the key of a call', () => {
  test('C1 J01 every journaled step carries its key; the failed one has no value', async () => {
    const project = new CacheProject();
    const run = await project.run('await agent("first", { label: "L1" }); await agent("bad"); return 1', { rules: [{ match: 'bad', fail: 'api down' }] });
    const [first, bad] = agentEnds(run);
    const reuse = new StepReuse(new ScriptedDispatcher(), project.dir);
    const expected = await reuse.prepare({ index: 0, label: 'L1', phase: null, prompt: 'first', options: { label: 'L1' } });
    expect(first).toMatchObject({ index: 0, key: expected.key, status: 'completed', value: 'done: first', usage: { input: 100, output: 10 } });
    expect(bad).toMatchObject({ index: 1, status: 'failed', error: 'api down' });
    expect(bad).not.toHaveProperty('value');
  });

  test('C1 the agent record holds the key and the spec it hashes, with no label, phase, run id or secret in it', async () => {
    const project = new CacheProject();
    process.env.OPENAI_API_KEY = 'sk-test-never-in-a-key';
    try {
      const run = await project.run('phase("P"); return await agent("x", { label: "l", timeout: "5m" })');
      const [record] = run.agentRecords();
      expect(record.key).toMatch(/^s1:[0-9a-f]{64}$/);
      const spec = JSON.stringify(record.spec);
      for (const absent of ['sk-test-never-in-a-key', run.summary.runId, '"l"', '"P"', '300000']) expect(spec).not.toContain(absent);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  test('C1 without a cache store, keys are still journaled and nothing is reused across runs', async () => {
    const project = new CacheProject();
    await project.run(ABC, { cache: {} });
    const second = await project.run(ABC, { cache: {} });
    expect(dispatched(second)).toEqual(['A', 'B', 'C']);
    expect(agentEnds(second).every((event) => typeof event.key === 'string')).toBe(true);
  });
});

describe('C5: wf explain', () => {
  const explainIn = async (project: CacheProject, source: string, extra: Partial<Parameters<typeof explainRun>[0]> = {}) =>
    explainRun({
      workflow: await compileWorkflow(withMeta(source), join(project.dir, '.boocode', 'workflows', 'test.js')),
      args: undefined,
      dispatcher: new ScriptedDispatcher(),
      store: project.store,
      projectRoot: project.dir,
      ...extra,
    });

  test('C5 explain predicts exactly which calls a real run makes live, and says why', async () => {
    const project = new CacheProject();
    const source = (topic: string) => `
      const facts = await parallel(["a", "b", "c"].map((x) => () => agent("facts about " + x, { label: "facts:" + x })));
      const angle = await agent("pick an angle on ${topic}", { label: "angle" });
      return await agent("write about " + angle, { label: "write" })`;
    await project.run(source('cats'));
    const report = await explainIn(project, source('dogs'));
    expect(report.calls.map((call) => [call.label, call.outcome])).toEqual([
      ['facts:a', 'hit'],
      ['facts:b', 'hit'],
      ['facts:c', 'hit'],
      ['angle', 'live'],
      ['write', 'live'],
    ]);
    const [angle, write] = report.calls.slice(3);
    expect(angle).toMatchObject({ reason: 'new', differences: [{ field: 'prompt', detail: expect.stringContaining('"cats"') }] });
    expect(write).toMatchObject({ reason: 'depends', dependsOn: [3] });
    expect(report.live).toBe(2);
    expect(report.estimatedTokens.input).toBeGreaterThan(0);
    const real = await project.run(source('dogs'));
    expect(dispatched(real)).toEqual(['pick an angle on dogs', 'write about done: pick an angle on dogs']);
  });

  test('C5 explain names a changed model and an added call, and writes nothing', async () => {
    const project = new CacheProject();
    await project.run('return [await agent("A", { label: "a" }), await agent("B", { label: "b" })]');
    const entriesBefore = (await project.store.stats()).entries;
    const runsBefore = readdirSync(project.runsDir).length;
    const report = await explainIn(project, 'return [await agent("A", { label: "a", model: "openai/gpt-5" }), await agent("B", { label: "b" }), await agent("brand new", { label: "n" })]');
    expect(report.calls.map((call) => call.outcome)).toEqual(['live', 'hit', 'live']);
    expect(report.calls[0]).toMatchObject({ differences: [{ field: 'model', detail: 'mock → openai/gpt-5' }] });
    expect(report.calls[2]).toMatchObject({ reason: 'new' });
    expect(report.calls[2]).not.toHaveProperty('differences');
    expect((await project.store.stats()).entries).toBe(entriesBefore);
    expect(readdirSync(project.runsDir)).toHaveLength(runsBefore);
  });

  test('C5 explain of a resume: prefix mode shows every call after the first change as live', async () => {
    const project = new CacheProject();
    const first = await project.run(ABC, { cache: {} });
    const edited = ABC.replace('agent("B")', 'agent("B edited")');
    const prepared = await prepareResume({
      runsDir: project.runsDir,
      runId: first.summary.runId,
      mode: 'prefix',
      workflow: await compileWorkflow(withMeta(edited), join(project.dir, 'edited.js')),
    });
    const report = await explainIn(project, edited, { resume: prepared.resume, store: null });
    expect(report.calls.map((call) => (call.outcome === 'hit' ? 'hit' : call.reason))).toEqual(['hit', 'prefix', 'prefix']);
  });
});
