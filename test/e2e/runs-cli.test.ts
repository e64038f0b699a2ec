/**
 * End-to-end: `wf runs`, `wf runs prune` and `wf inspect` through the built `bin/wf.js`, on run
 * directories left by real runs of a mock-answered workflow: one completed live, the same again
 * answered from the cache, and one that failed. A run still in progress is simulated by a
 * `run.json` that says running with this test process's pid (alive for as long as the test runs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const BIN = resolve(__dirname, '../../bin/wf.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-e2e-runs-'));
  mkdirSync(join(dir, '.boocode', 'workflows'), { recursive: true });
  mkdirSync(join(dir, 'home'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function wf(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: join(cwd, 'home') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** `wf <args>`, expecting exit 0. */
async function ok(args: string[], cwd: string): Promise<string> {
  const result = await wf(args, cwd);
  expect(result.code, `wf ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** A run directory as a run still in progress leaves it: run.json says running, its process is alive. */
function simulatedRun(dir: string, startedAt: number, pid: number, suffix: string): string {
  const runId = `wf_${startedAt.toString(36)}-${suffix}`;
  const runDir = join(dir, '.boocode', 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  const record = { runId, workflow: 'flow', file: join(dir, 'flow.js'), dispatcher: 'mock', status: 'running', startedAt: new Date(startedAt).toISOString(), pid, host: hostname(), budget: null };
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(record));
  return runId;
}

const FLOW = `export const meta = { name: "flow", description: "two drafts and a review" };
phase("Draft");
const [a, b] = await parallel([() => agent("alpha", { label: "draft:a" }), () => agent("beta", { label: "draft:b" })]);
if (b === null) throw new Error("draft b failed");
phase("Review");
return await agent("review " + a + " / " + b, { label: "review" });
`;
const RULES = JSON.stringify({ rules: [{ match: 'alpha', reply: 'A', delayMs: 30 }, { match: 'beta', reply: 'B', delayMs: 20 }] });
const FAIL = JSON.stringify({ rules: [{ match: 'alpha', reply: 'A' }, { match: 'beta', fail: 'api down' }] });
const DAY = 86_400_000;

describe('wf runs and wf inspect end to end', () => {
  let dir: string;
  let live: string;
  let cached: string;
  let failed: string;

  beforeAll(async () => {
    dir = project({ 'flow.js': FLOW, 'rules.json': RULES, 'fail.json': FAIL });
    live = JSON.parse(await ok(['run', 'flow.js', '--mock', 'rules.json', '--json', '-q'], dir)).runId;
    cached = JSON.parse(await ok(['run', 'flow.js', '--mock', 'rules.json', '--json', '-q'], dir)).runId;
    const failure = await wf(['run', 'flow.js', '--mock', 'fail.json', '--no-cache', '--json', '-q'], dir);
    expect(failure.code).toBe(1);
    failed = JSON.parse(failure.stdout).runId;
  }, 60_000);

  test('R1 wf runs lists every run newest first: status, agents live/cached/failed, tokens', async () => {
    const lines = (await ok(['runs'], dir)).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id +workflow +status +started +duration +live\/cached\/failed +tokens +cost$/);
    expect(lines[1]).toMatch(new RegExp(`^${failed} +flow +failed +.* 2/0/1 +110 +-$`));
    expect(lines[2]).toMatch(new RegExp(`^${cached} +flow +completed +.* 0/3/0 +0 +-$`));
    expect(lines[3]).toMatch(new RegExp(`^${live} +flow +completed +.* 3/0/0 +330 +-$`));

    const rows = JSON.parse(await ok(['runs', '--json'], dir));
    expect(rows.map((row: { id: string; state: string }) => [row.id, row.state])).toEqual([
      [failed, 'failed'],
      [cached, 'completed'],
      [live, 'completed'],
    ]);
    expect(rows[2]).toMatchObject({ workflow: 'flow', agents: { total: 3, live: 3, cached: 0, failed: 0 }, tokens: 330, costUsd: null });
    expect(rows[2].durationMs).toBeGreaterThan(0);
  });

  test('R1 wf runs --json --status failed, --workflow, --limit and --all', async () => {
    const failedRows = JSON.parse(await ok(['runs', '--json', '--status', 'failed'], dir));
    expect(failedRows).toHaveLength(1);
    expect(failedRows[0]).toMatchObject({ id: failed, state: 'failed', agents: { total: 2, live: 2, cached: 0, failed: 1 } });
    const both = JSON.parse(await ok(['runs', '--json', '--status', 'failed,completed', '--limit', '2'], dir));
    expect(both.map((row: { id: string }) => row.id)).toEqual([failed, cached]);
    const limited = await wf(['runs', '--limit', '1'], dir);
    expect(limited.stderr).toMatch(/showing the newest 1; --limit <n> or --all for more/);
    expect(JSON.parse(await ok(['runs', '--all', '--json'], dir))).toHaveLength(3);
    expect(await ok(['runs', '--workflow', 'other'], dir)).toMatch(/no runs match these filters/);
    const bad = await wf(['runs', '--status', 'done'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected one or more of running, completed, failed, stopped, interrupted/);
  });

  test('R1 wf inspect last: summary with the error and its location, agents by phase, errors', async () => {
    const text = await ok(['inspect', 'last'], dir);
    expect(text).toContain(`run         ${failed}`);
    expect(text).toMatch(/status {6}failed/);
    expect(text).toMatch(/agents {6}2: 2 live, 0 cached, 1 failed, 0 stopped/);
    expect(text).toMatch(/error {7}Error: draft b failed\n {12}at .*flow\.js:4:23/);
    expect(text).toMatch(/▸ Draft\n {2}✓ +#0 +draft:a +\d+ms +110 +- +[·░█]+\n {2}✗ +#1 +draft:b +\d+ms +0 +- +[·░█]+/);
    expect(text).toMatch(/errors\n {2}✗ #1 draft:b: api down/);
    const data = JSON.parse(await ok(['inspect', failed.slice(0, 14), '--json'], dir));
    expect(data).toMatchObject({ runId: failed, state: 'failed', error: { message: 'draft b failed', location: { line: 4, column: 23 } }, agents: { total: 2, failed: 1 } });
    expect(data.phases.map((phase: { title: string }) => phase.title)).toEqual(['Draft']);
  });

  test('R1 wf inspect of a cached run marks each reused step with the run it came from', async () => {
    const text = await ok(['inspect', cached], dir);
    expect(text).toMatch(/agents {6}3: 0 live, 3 cached, 0 failed, 0 stopped/);
    for (const label of ['draft:a', 'draft:b', 'review']) expect(text).toMatch(new RegExp(`↺ +#\\d +${label} +cached +0 +- +↺ ${live} \\(cache\\)`));
    const data = JSON.parse(await ok(['inspect', cached, '--json'], dir));
    expect(data.phases.flatMap((phase: { agents: Array<{ cachedFrom: unknown }> }) => phase.agents.map((agent) => agent.cachedFrom))).toEqual([
      { via: 'cache', runId: live },
      { via: 'cache', runId: live },
      { via: 'cache', runId: live },
    ]);
  });

  test('R1 wf inspect <id> --agent 1 and --agent <label> show the same agent in full', async () => {
    const byIndex = await ok(['inspect', failed, '--agent', '1'], dir);
    expect(await ok(['inspect', failed, '--agent', 'draft:b'], dir)).toBe(byIndex);
    expect(byIndex).toMatch(/^agent +#1 draft:b\nrun +.*, phase Draft\nstatus +failed\nerror +api down/);
    expect(byIndex).toMatch(/reuse +ran live \(no-cache\)/);
    expect(byIndex).toMatch(/key +s1:[0-9a-f]{64}/);
    expect(byIndex).toContain('prompt\n  beta');
    const data = JSON.parse(await ok(['inspect', live, '--agent', 'review', '--json'], dir));
    expect(data).toMatchObject({ index: 2, label: 'review', phase: 'Review', status: 'completed', prompt: 'review A / B', result: 'done: review A / B', reuse: { decision: 'live', reason: 'new' }, activity: [] });
  });

  test('R1 wf inspect --agent with an unknown agent exits 2 naming the valid ones', async () => {
    const result = await wf(['inspect', failed, '--agent', '9'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/has no agent "9": give an index from 0 to 1, or a label: "draft:a", "draft:b"/);
    const unknownRun = await wf(['inspect', 'wf_nope'], dir);
    expect(unknownRun.code).toBe(2);
  });

  test('R1 wf inspect of a run still in progress shows what it has so far', async () => {
    const other = project();
    const runId = simulatedRun(other, Date.now() - 5000, process.pid, 'runnin');
    const text = await ok(['inspect', 'last'], other);
    expect(text).toMatch(new RegExp(`status +running \\(process ${process.pid}\\)`));
    expect(text).toMatch(/agents +0: 0 live/);
    expect(JSON.parse(await ok(['runs', '--json'], other))).toEqual([expect.objectContaining({ id: runId, state: 'running', durationMs: expect.any(Number) })]);
  });

  test('R1 wf runs with no runs says how to start one', async () => {
    const empty = project();
    expect(await ok(['runs'], empty)).toMatch(/^no runs yet in .*\.boocode\/runs; start one with `wf run <workflow>`/);
    expect(JSON.parse(await ok(['runs', '--json'], empty))).toEqual([]);
  });

  test('R1 wf runs prune: --dry-run lists, a real prune removes ended and interrupted runs, never a running one', async () => {
    const dir = project({ 'flow.js': FLOW, 'rules.json': RULES });
    const real = JSON.parse(await ok(['run', 'flow.js', '--mock', 'rules.json', '--json', '-q'], dir)).runId;
    const running = simulatedRun(dir, Date.now() - 10 * DAY, process.pid, 'runnin');
    const exited = await new Promise<number>((done) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('close', () => done(child.pid!));
    });
    const interrupted = simulatedRun(dir, Date.now() - 9 * DAY, exited, 'interr');
    const worktrees = join(dir, '.boocode', 'worktrees', interrupted, '0-edit');
    mkdirSync(worktrees, { recursive: true });
    const runIds = () => readdirSync(join(dir, '.boocode', 'runs')).sort();

    const dry = await ok(['runs', 'prune', '--older-than', '7d', '--dry-run'], dir);
    expect(dry).toMatch(new RegExp(`${interrupted} +flow +interrupted`));
    expect(dry).toMatch(/would remove 1 run started before .* \(\d+ B\)/);
    expect(dry).toContain(`kept ${running}: still running (process ${process.pid})`);
    expect(runIds()).toEqual([interrupted, real, running].sort());

    const week = JSON.parse(await ok(['runs', 'prune', '--older-than', '7d', '--json'], dir));
    expect(week).toMatchObject({ dryRun: false, removed: [{ id: interrupted, state: 'interrupted' }], keptRunning: [{ id: running, pid: process.pid }], worktreesLeft: [join(dir, '.boocode', 'worktrees', interrupted)] });
    expect(runIds()).toEqual([real, running].sort());
    expect(existsSync(worktrees)).toBe(true);

    await new Promise((done) => setTimeout(done, 20));
    const all = await ok(['runs', 'prune', '--older-than', '1ms'], dir);
    expect(all).toMatch(new RegExp(`${real} +flow +completed`));
    expect(all).toMatch(/removed 1 run started before .* \(\d+(\.\d+)? ?[KM]?B\)/);
    expect(all).toContain(`kept ${running}: still running`);
    expect(runIds()).toEqual([running]);

    const missing = await wf(['runs', 'prune'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--older-than <duration>'/);
  });
});
