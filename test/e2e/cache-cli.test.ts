/**
 * End-to-end: step reuse through the built `bin/wf.js` (spec C2–C5): `wf run` reusing the
 * project's cache, `wf resume`, `wf explain` and `wf cache`. Each test makes its own throw-away
 * project and uses the mock dispatcher. "Dispatched" is read from the run's journal: a step served
 * from the journal or the cache has `cached` on its agent-end line; a live one does not.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tempProject } from '../support/wf-cli.js';
import { describe, expect, test } from 'vitest';

const BIN = resolve(__dirname, '../../bin/wf.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface AgentEnd {
  type: 'agent-end';
  index: number;
  key?: string;
  label: string;
  status: string;
  value?: unknown;
  model?: string;
  usage: { input: number; output: number; reasoning: number };
  cached?: { via: 'journal' | 'cache'; runId: string };
}

const project = tempProject;

function wf(args: string[], cwd: string, options: { onStderr?: (stderr: string, kill: (signal: NodeJS.Signals) => void) => void } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: join(cwd, 'home') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** `wf <args> --json`, expecting exit 0; the parsed RunSummary. */
async function runJson(args: string[], cwd: string): Promise<Record<string, any>> {
  const result = await wf([...args, '--json', '-q'], cwd);
  expect(result.code, `wf ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout);
}

function runIds(dir: string): string[] {
  try {
    return readdirSync(join(dir, '.boocode', 'runs')).sort();
  } catch {
    return [];
  }
}

function agentEnds(runDir: string): AgentEnd[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((event) => event.type === 'agent-end')
    .sort((a, b) => a.index - b.index);
}

/** Labels of the steps a run dispatched live (agent-end lines without `cached`), by call index. */
function liveLabels(runDir: string): string[] {
  return agentEnds(runDir)
    .filter((end) => end.cached === undefined)
    .map((end) => end.label);
}

/** Every file under `.boocode` with its size and mtime, to prove a command wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const root = join(dir, '.boocode');
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      const info = statSync(child);
      if (info.isDirectory()) walk(child);
      files[relative(root, child)] = info.isDirectory() ? 'dir' : `${info.size}@${info.mtimeMs}`;
    }
  };
  walk(root);
  return files;
}

const META = (name: string) => `export const meta = { name: "${name}", description: "an e2e cache workflow" };\n`;

/** Three sequential calls in two phases; the review's prompt uses both drafts. */
const FLOW = `${META('flow')}phase("Draft");
const a = await agent("alpha", { label: "draft:a" });
const b = await agent("beta", { label: "draft:b" });
if (b === null) throw new Error("draft b failed");
phase("Review");
const c = await agent("review " + a + " / " + b, { label: "review:c" });
return { a, b, c };
`;

/** Four independent sequential calls, the third one optionally edited. */
const FOUR = (third = 'three') => `${META('four')}const out = [];
for (const [label, prompt] of [["one", "one"], ["two", "two"], ["three", ${JSON.stringify(third)}], ["four", "four"]]) out.push(await agent(prompt, { label }));
return out;
`;

const RULES = JSON.stringify({ rules: [{ match: 'alpha', reply: 'A', delayMs: 20 }, { match: 'beta', reply: 'B' }] });

describe('step cache end to end (C2–C5)', () => {
  test('C3 J04 an unchanged re-run makes zero dispatches and returns the identical result', async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const first = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(first).toMatchObject({ status: 'completed', agentCount: 3, cachedCount: 0, result: { a: 'A', b: 'B', c: 'done: review A / B' } });
    expect(first.usage.input).toBeGreaterThan(0);
    expect(liveLabels(first.runDir)).toEqual(['draft:a', 'draft:b', 'review:c']);

    const second = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(second.runId).not.toBe(first.runId);
    expect(second.status).toBe('completed');
    expect(second.cachedCount).toBe(second.agentCount);
    expect(second.agentCount).toBe(3);
    expect(second.usage).toEqual({ input: 0, output: 0, reasoning: 0 });
    expect(second.result).toEqual(first.result);
    const ends = agentEnds(second.runDir);
    expect(ends).toHaveLength(3);
    for (const end of ends) {
      expect(end.status).toBe('completed');
      expect(end.cached, `#${end.index} ${end.label} was dispatched`).toEqual({ via: 'cache', runId: first.runId });
      expect(end.usage).toEqual({ input: 0, output: 0, reasoning: 0 });
    }
    // The reused steps carry the same keys and values as the live ones.
    expect(ends.map((end) => [end.key, end.value])).toEqual(agentEnds(first.runDir).map((end) => [end.key, end.value]));
  });

  test('C3 --no-cache runs everything live', async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const first = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    const fresh = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--no-cache'], dir);
    expect(fresh).toMatchObject({ status: 'completed', agentCount: 3, cachedCount: 0 });
    expect(fresh.usage).toEqual(first.usage);
    expect(fresh.result).toEqual(first.result);
    expect(liveLabels(fresh.runDir)).toEqual(['draft:a', 'draft:b', 'review:c']);
    // Results are still stored: the next plain run is all hits, now from the --no-cache run.
    const again = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(again.cachedCount).toBe(3);
    expect(agentEnds(again.runDir).map((end) => end.cached?.runId)).toEqual([fresh.runId, fresh.runId, fresh.runId]);
  });

  test("C3 --refresh 'label*' runs only matching steps live", async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const first = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    const refreshed = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--refresh', 'draft*'], dir);
    expect(refreshed).toMatchObject({ status: 'completed', agentCount: 3, cachedCount: 1 });
    expect(refreshed.result).toEqual(first.result);
    expect(liveLabels(refreshed.runDir)).toEqual(['draft:a', 'draft:b']);
    expect(agentEnds(refreshed.runDir)[2]).toMatchObject({ label: 'review:c', cached: { via: 'cache', runId: first.runId } });

    const byPhase = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--refresh', 'phase:Review'], dir);
    expect(liveLabels(byPhase.runDir)).toEqual(['review:c']);
    const exact = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--refresh', 'draft:b'], dir);
    expect(liveLabels(exact.runDir)).toEqual(['draft:b']);
  });

  test('C3 J22 --model change re-runs: the same model twice is cached, another model runs live', async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const m1 = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--model', 'prov/m1'], dir);
    expect(m1.cachedCount).toBe(0);
    expect(agentEnds(m1.runDir).map((end) => end.model)).toEqual(['prov/m1', 'prov/m1', 'prov/m1']);
    const m1Again = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--model', 'prov/m1'], dir);
    expect(m1Again).toMatchObject({ cachedCount: 3, agentCount: 3, usage: { input: 0, output: 0, reasoning: 0 } });
    expect(liveLabels(m1Again.runDir)).toEqual([]);
    const m2 = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--model', 'prov/m2'], dir);
    expect(m2).toMatchObject({ cachedCount: 0, agentCount: 3 });
    expect(liveLabels(m2.runDir)).toEqual(['draft:a', 'draft:b', 'review:c']);
    expect(agentEnds(m2.runDir).map((end) => end.model)).toEqual(['prov/m2', 'prov/m2', 'prov/m2']);
    // Both models' entries are kept side by side: m1 is still a full hit.
    const back = await runJson(['run', 'flow.js', '--mock', 'rules.json', '--model', 'prov/m1'], dir);
    expect(back.cachedCount).toBe(3);
  });

  test('C4 J11 resume of an unknown run id exits 2 saying nothing to resume', async () => {
    const dir = project({ 'rules.json': RULES });
    for (const id of ['wf_mnope00-abcdef', 'not-a-run-id']) {
      const result = await wf(['resume', id, '--mock', 'rules.json'], dir);
      expect(result.code, id).toBe(2);
      expect(result.stderr, id).toMatch(/nothing to resume/);
      expect(result.stdout).toBe('');
    }
    expect(runIds(dir)).toEqual([]);
  });

  test('C4 J11 a run with no completed step is refused', async () => {
    const dir = project({
      'first.js': `${META('first')}const a = await agent("only step");\nif (a === null) throw new Error("the only step failed");\nreturn a`,
      'fail.json': JSON.stringify({ rules: [{ match: 'only step', fail: 'api down' }] }),
      'ok.json': JSON.stringify({ rules: [] }),
    });
    const run = await wf(['run', 'first.js', '--mock', 'fail.json'], dir);
    expect(run.code).toBe(1);
    const [runId] = runIds(dir);
    expect(agentEnds(join(dir, '.boocode', 'runs', runId!)).map((end) => end.status)).toEqual(['failed']);
    const resumed = await wf(['resume', runId!, '--mock', 'ok.json'], dir);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/nothing to resume/);
    expect(resumed.stderr).toContain(runId!);
    expect(runIds(dir)).toEqual([runId]); // no silent fresh start
  });

  test('C4 J12 a run still in progress is refused ("still running"); once stopped it resumes', async () => {
    const dir = project({
      'held.js': `${META('held')}const a = await agent("quick");\nconst b = await agent("slow");\nreturn [a, b]`,
      'hold.json': JSON.stringify({ rules: [{ match: 'slow', hold: true }] }),
      'ok.json': JSON.stringify({ rules: [] }),
    });
    let refused: Result | undefined;
    let asked = false;
    const running = await wf(['run', 'held.js', '--mock', 'hold.json'], dir, {
      onStderr: (stderr, kill) => {
        if (asked || !stderr.includes('slow started')) return;
        asked = true;
        const [runId] = runIds(dir);
        void wf(['resume', runId!, '--mock', 'ok.json'], dir).then((result) => {
          refused = result;
          kill('SIGINT');
        });
      },
    });
    expect(running.code).toBe(130);
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(/still running/);
    const [runId] = runIds(dir);
    expect(runIds(dir)).toHaveLength(1);
    const resumed = await runJson(['resume', runId!, '--mock', 'ok.json'], dir);
    expect(resumed).toMatchObject({ status: 'completed', result: ['done: quick', 'done: slow'], cachedCount: 1 });
    expect(liveLabels(resumed.runDir)).toEqual(['slow']);
  });

  test('C4 a failed run resumes: completed steps reused, the failed one re-runs live', async () => {
    const dir = project({
      'flow.js': FLOW,
      'fail.json': JSON.stringify({ rules: [{ match: 'alpha', reply: 'A' }, { match: 'beta', fail: 'api down' }] }),
      'ok.json': JSON.stringify({ rules: [{ match: 'alpha', reply: 'A (would differ if dispatched)' }, { match: 'beta', reply: 'B' }] }),
    });
    const failed = await wf(['run', 'flow.js', '--mock', 'fail.json', '--json'], dir);
    expect(failed.code).toBe(1);
    const failedSummary = JSON.parse(failed.stdout);
    expect(failedSummary.status).toBe('failed');
    expect(agentEnds(failedSummary.runDir).map((end) => [end.label, end.status])).toEqual([
      ['draft:a', 'completed'],
      ['draft:b', 'failed'],
    ]);

    const resumed = await wf(['resume', failedSummary.runId, '--mock', 'ok.json', '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming ${failedSummary.runId} in content mode`));
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ status: 'completed', agentCount: 3, cachedCount: 1, result: { a: 'A', b: 'B', c: 'done: review A / B' } });
    const ends = agentEnds(summary.runDir);
    expect(ends.map((end) => [end.label, end.status])).toEqual([
      ['draft:a', 'completed'],
      ['draft:b', 'completed'],
      ['review:c', 'completed'],
    ]);
    expect(ends[0]!.cached).toEqual({ via: 'journal', runId: failedSummary.runId });
    expect(liveLabels(summary.runDir)).toEqual(['draft:b', 'review:c']);

    // J10: resuming the resumed run dispatches nothing.
    const again = await runJson(['resume', summary.runId, '--mock', 'ok.json'], dir);
    expect(again).toMatchObject({ status: 'completed', cachedCount: 3, result: summary.result });
    expect(liveLabels(again.runDir)).toEqual([]);
    // The step reused twice still names the run that produced it live.
    expect(agentEnds(again.runDir)[0]!.cached).toEqual({ via: 'journal', runId: failedSummary.runId });
  });

  test('C4 --mode prefix re-runs everything after the first changed call', async () => {
    const dir = project({ 'four.js': FOUR(), 'edited.js': FOUR('three edited'), 'rules.json': JSON.stringify({ rules: [] }) });
    const original = await runJson(['run', 'four.js', '--mock', 'rules.json'], dir);
    expect(original.result).toEqual(['done: one', 'done: two', 'done: three', 'done: four']);

    const prefix = await wf(['resume', original.runId, '--mock', 'rules.json', '--mode', 'prefix', '--script', 'edited.js', '--json'], dir);
    expect(prefix.code, prefix.stderr).toBe(0);
    expect(prefix.stderr).toMatch(/in prefix mode with new the script/);
    const prefixSummary = JSON.parse(prefix.stdout);
    expect(prefixSummary).toMatchObject({ status: 'completed', cachedCount: 2, result: ['done: one', 'done: two', 'done: three edited', 'done: four'] });
    expect(liveLabels(prefixSummary.runDir)).toEqual(['three', 'four']);
    expect(agentEnds(prefixSummary.runDir).slice(0, 2).map((end) => end.cached)).toEqual([
      { via: 'journal', runId: original.runId },
      { via: 'journal', runId: original.runId },
    ]);

  });

  test('C4 content mode re-runs only the edited call of a resumed script', async () => {
    const dir = project({ 'four.js': FOUR(), 'edited.js': FOUR('three edited'), 'rules.json': JSON.stringify({ rules: [] }) });
    const original = await runJson(['run', 'four.js', '--mock', 'rules.json'], dir);
    const content = await runJson(['resume', original.runId, '--mock', 'rules.json', '--script', 'edited.js'], dir);
    expect(content).toMatchObject({ status: 'completed', cachedCount: 3, result: ['done: one', 'done: two', 'done: three edited', 'done: four'] });
    expect(liveLabels(content.runDir)).toEqual(['three']);
  });

  test('C4 --from label runs that step and every step started after it live', async () => {
    const dir = project({ 'four.js': FOUR(), 'rules.json': JSON.stringify({ rules: [] }) });
    const original = await runJson(['run', 'four.js', '--mock', 'rules.json'], dir);
    const fromTwo = await runJson(['resume', original.runId, '--mock', 'rules.json', '--from', 'two'], dir);
    expect(fromTwo).toMatchObject({ status: 'completed', cachedCount: 1, result: original.result });
    expect(liveLabels(fromTwo.runDir)).toEqual(['two', 'three', 'four']);
    expect(agentEnds(fromTwo.runDir)[0]!.cached).toEqual({ via: 'journal', runId: original.runId });

    const byGlob = await runJson(['resume', original.runId, '--mock', 'rules.json', '--from', 'thr*'], dir);
    expect(liveLabels(byGlob.runDir)).toEqual(['three', 'four']);
    const byIndex = await runJson(['resume', original.runId, '--mock', 'rules.json', '--from', '3'], dir);
    expect(liveLabels(byIndex.runDir)).toEqual(['four']);
  });

  test('C5 explain predicts exactly which calls a real run makes live', async () => {
    const dir = project({ '.boocode/workflows/four.js': FOUR(), 'rules.json': JSON.stringify({ rules: [] }) });
    const original = await runJson(['run', 'four', '--mock', 'rules.json'], dir);
    writeFileSync(join(dir, '.boocode', 'workflows', 'four.js'), FOUR('three, edited'));

    const explained = await wf(['explain', 'four', '--mock', 'rules.json', '--json'], dir);
    expect(explained.code, explained.stderr).toBe(0);
    const report = JSON.parse(explained.stdout);
    expect(report).toMatchObject({ workflow: 'four', hits: 3, live: 1, status: 'completed' });
    expect(report.calls.map((call: { label: string; outcome: string }) => [call.label, call.outcome])).toEqual([
      ['one', 'hit'],
      ['two', 'hit'],
      ['three', 'live'],
      ['four', 'hit'],
    ]);
    const live = report.calls[2];
    expect(live.reason).toBe('new');
    expect(live.differences).toEqual([{ field: 'prompt', detail: expect.stringContaining('", edited"') }]);
    expect(live.closest).toMatchObject({ runId: original.runId, index: 2, label: 'three' });
    for (const call of report.calls.filter((call: { outcome: string }) => call.outcome === 'hit')) {
      expect(call.from).toEqual({ via: 'cache', runId: original.runId });
    }

    const text = await wf(['explain', 'four', '--mock', 'rules.json'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/live\s+#2 three\s+changed since run .*: prompt differs/);
    expect(text.stdout).toMatch(/1 of 4 calls would run live/);

    const real = await runJson(['run', 'four', '--mock', 'rules.json'], dir);
    expect(real).toMatchObject({ agentCount: 4, cachedCount: report.hits });
    const ends = agentEnds(real.runDir);
    expect(ends.filter((end) => end.cached === undefined)).toHaveLength(report.live);
    // Call by call, the prediction and what happened agree.
    expect(ends.map((end) => [end.index, end.cached === undefined ? 'live' : 'hit'])).toEqual(
      report.calls.map((call: { index: number; outcome: string }) => [call.index, call.outcome]),
    );
    expect(ends.map((end) => end.key)).toEqual(report.calls.map((call: { key: string }) => call.key));

    // Afterwards explain says a run would make no model call.
    const after = JSON.parse((await wf(['explain', 'four', '--mock', 'rules.json', '--json'], dir)).stdout);
    expect(after).toMatchObject({ hits: 4, live: 0 });
  });

  test('C5 explain of a run id predicts the resume', async () => {
    const dir = project({
      'flow.js': FLOW,
      'fail.json': JSON.stringify({ rules: [{ match: 'beta', fail: 'api down' }] }),
      'ok.json': JSON.stringify({ rules: [] }),
    });
    const failed = await wf(['run', 'flow.js', '--mock', 'fail.json', '--json'], dir);
    expect(failed.code).toBe(1);
    const { runId } = JSON.parse(failed.stdout);
    const report = JSON.parse((await wf(['explain', runId, '--mock', 'ok.json', '--json'], dir)).stdout);
    expect(report.calls.map((call: { label: string; outcome: string }) => [call.label, call.outcome])).toEqual([
      ['draft:a', 'hit'],
      ['draft:b', 'live'],
      ['review:c', 'live'],
    ]);
    expect(report.calls[0].from).toEqual({ via: 'journal', runId });
    const resumed = await runJson(['resume', runId, '--mock', 'ok.json'], dir);
    expect(liveLabels(resumed.runDir)).toEqual(['draft:b', 'review:c']);
  });

  test('C5 explain writes nothing: no run directory, the cache unchanged', async () => {
    const dir = project({ 'flow.js': FLOW, 'edited.js': FLOW.replace('"beta"', '"beta, edited"'), 'rules.json': RULES });
    const original = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    const before = snapshot(dir);
    expect(Object.keys(before).filter((path) => path.startsWith('cache')).length).toBeGreaterThan(0);
    for (const args of [
      ['explain', 'flow.js', '--mock', 'rules.json', '--json'],
      ['explain', 'edited.js', '--mock', 'rules.json'],
      ['explain', 'edited.js', '--mock', 'rules.json', '--refresh', 'draft*', '--model', 'prov/other'],
      ['explain', original.runId, '--mock', 'rules.json', '--mode', 'prefix'],
    ]) {
      const result = await wf(args, dir);
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
      expect(snapshot(dir), args.join(' ')).toEqual(before);
    }
    expect(runIds(dir)).toEqual([original.runId]);
  });

  test('C2 wf cache stats / ls / show / rm / prune round trip', async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const cache = async (...args: string[]) => {
      const result = await wf(['cache', ...args], dir);
      expect(result.code, `wf cache ${args.join(' ')}\n${result.stderr}`).toBe(0);
      return result.stdout;
    };
    expect(await cache('ls')).toMatch(/no cache entries/);
    expect(JSON.parse(await cache('stats', '--json'))).toMatchObject({ entries: 0, bytes: 0 });

    const first = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    const stats = JSON.parse(await cache('stats', '--json'));
    expect(stats).toMatchObject({ location: join(dir, '.boocode', 'cache'), entries: 3, corrupt: 0, expired: 0 });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(await cache('stats')).toMatch(/entries: 3\b/);

    const lines = (await cache('ls')).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toMatch(/flow #0 draft:a/);
    const listed: Array<{ key: string; producer: { label: string; runId: string } }> = JSON.parse(await cache('ls', '--json'));
    expect(listed.map((row) => row.producer.label).sort()).toEqual(['draft:a', 'draft:b', 'review:c']);
    expect(listed.every((row) => row.producer.runId === first.runId)).toBe(true);
    // The keys are the journal's keys.
    expect(listed.map((row) => row.key).sort()).toEqual(agentEnds(first.runDir).map((end) => end.key).sort());
    expect((await cache('ls', 'draft*')).trim().split('\n')).toHaveLength(2);

    const review = listed.find((row) => row.producer.label === 'review:c')!;
    for (const key of [review.key, review.key.slice(0, 15), review.key.slice(3, 20)]) {
      const entry = JSON.parse(await cache('show', key));
      expect(entry).toMatchObject({
        key: review.key,
        spec: { v: 1, kind: 'agent', prompt: 'review A / B', harness: 'mock@1', sample: 0 },
        value: 'done: review A / B',
        usage: { input: 100, output: 10, reasoning: 0 },
        producer: { runId: first.runId, workflow: 'flow', index: 2, label: 'review:c', phase: 'Review' },
      });
    }
    const missing = await wf(['cache', 'show', 'ffffffffffffffff'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no cache entry/);

    expect(await cache('rm', 'draft*', '--dry-run')).toMatch(/would remove 2 entries/);
    expect(JSON.parse(await cache('stats', '--json')).entries).toBe(3);
    expect(await cache('rm', 'draft*')).toMatch(/removed 2 entries matching label "draft\*"/);
    const left: Array<{ producer: { label: string } }> = JSON.parse(await cache('ls', '--json'));
    expect(left.map((row) => row.producer.label)).toEqual(['review:c']);
    // The removed steps run live next time; the kept one is still a hit.
    const rerun = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(liveLabels(rerun.runDir)).toEqual(['draft:a', 'draft:b']);
    expect(JSON.parse(await cache('stats', '--json')).entries).toBe(3);

    expect(await cache('prune', '--older-than', '1h')).toMatch(/removed 0 entries .*; 3 kept/);
    expect(await cache('prune', '--max-size', '0')).toMatch(/removed 3 entries .*; 0 kept/);
    expect(JSON.parse(await cache('stats', '--json')).entries).toBe(0);
    const badAge = await wf(['cache', 'prune', '--older-than', '0s'], dir);
    expect(badAge.code).toBe(2); // a duration must be positive

    await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(JSON.parse(await cache('stats', '--json')).entries).toBe(3);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 10));
    expect(await cache('prune', '--older-than', '1ms')).toMatch(/removed 3 entries .*; 0 kept/);
    expect(await cache('ls')).toMatch(/no cache entries/);
    const last = await runJson(['run', 'flow.js', '--mock', 'rules.json'], dir);
    expect(last.cachedCount).toBe(0);
  });
});
